"""A shop's past orders, pulled in the background after it is connected.

``services``: the walk back, window by window, newest first, and its state
(``models.OrderHistory``); ``tasks``: the job that runs it in slices, the minute's
continuation and the receiver of ``shops.signals.shop_connected``; ``views``: the
status and "pull again" on /shops (a template hook, since shops must not import sales).
"""
