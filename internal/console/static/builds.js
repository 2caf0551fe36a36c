// While a model build waits or trains, the builds section of the assistant
// page is fetched again every 2 seconds and replaced, until no build is
// pending: the rest of the page, and what is being typed in it, stays.
(function () {
  'use strict';
  function refresh() {
    fetch(location.pathname, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('builds');
        var current = document.getElementById('builds');
        if (!fresh || !current) return;
        current.replaceWith(fresh);
        if (fresh.hasAttribute('data-pending')) setTimeout(refresh, 2000);
      })
      .catch(function () { setTimeout(refresh, 5000); });
  }
  document.addEventListener('DOMContentLoaded', function () {
    if (document.querySelector('#builds[data-pending]')) setTimeout(refresh, 2000);
  });
})();
