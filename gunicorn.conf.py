"""gunicorn settings read by ``make run`` and by production (gunicorn loads this file from
the working directory, or pass ``--config gunicorn.conf.py``).

The access log names the path, never the query string or the referrer: those carry OAuth
``code=``, ``access_token=``, ``sign=`` and the like, which must not sit in log files.
"""

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
