// Keeps a bulletin's progress (console page) up to date while it sends, without reloading the page:
// reads /admin/bulletins/:id/progress.json every few seconds and updates the numbers and the bar.
// The page works without it (the numbers as loaded, and a Refresh link).
(function () {
  var box = document.getElementById('progress');
  if (!box || !window.fetch) return;
  var url = box.getAttribute('data-progress-url');
  var status = box.getAttribute('data-status');
  var lang = document.documentElement.lang === 'es' ? 'es-MX' : 'en-US';
  var format = new Intl.NumberFormat(lang);
  function update() {
    fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (data) {
        if (!data || !data.stats) return;
        var s = data.stats;
        Object.keys(s).forEach(function (key) {
          var el = box.querySelector('[data-stat="' + key + '"]');
          if (el) el.textContent = s[key] === null ? '–' : format.format(s[key]);
        });
        var bar = document.getElementById('progress-bar');
        if (bar) bar.value = s.sent + s.failed + s.bounced + s.skipped;
        // Once it is done (or paused elsewhere), the page is loaded again for its buttons and status.
        if (data.status !== status) window.location.reload();
        else if (data.status === 'sending') setTimeout(update, 3000);
      })
      .catch(function () {
        setTimeout(update, 10000);
      });
  }
  setTimeout(update, 3000);
})();
