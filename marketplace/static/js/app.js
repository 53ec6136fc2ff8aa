// Progress bars that follow a background job to its end (GET /jobs/<id>).
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]');

  function follow(panel, url) {
    var bar = panel.querySelector("progress");
    var text = panel.querySelector("[data-job-message]");
    var link = panel.querySelector("[data-job-download]");
    panel.hidden = false;
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          bar.value = job.progress;
          if (job.message) { text.textContent = job.message; }
          if (job.status === "finished") {
            if (job.download_url && link) { link.href = job.download_url; link.hidden = false; }
            return;
          }
          if (job.status === "failed" || job.status === "canceled") { bar.classList.add("failed"); return; }
          setTimeout(tick, 1000);
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    tick();
  }

  document.querySelectorAll("[data-job-url]").forEach(function (panel) {
    follow(panel, panel.getAttribute("data-job-url"));
  });

  document.querySelectorAll("form[data-job-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var panel = form.parentNode.querySelector("[data-job-panel]");
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json", "X-CSRFToken": csrf ? csrf.content : "" },
        credentials: "same-origin"
      })
        .then(function (r) { return r.json(); })
        .then(function (job) { follow(panel, "/jobs/" + job.id); });
    });
  });
})();

// A photo still being processed: look again in a few seconds.
(function () {
  "use strict";
  if (document.querySelector(".photo .processing")) {
    setTimeout(function () { window.location.reload(); }, 3000);
  }
})();
