// The console's simulator: sends each message to the server, which runs a
// turn of the assistant on the custom channel "console", and shows the
// bot's answer with what the turn did (the trace).
(function () {
  'use strict';
  var root = document.getElementById('simulator');
  if (!root) return;
  var url = root.dataset.url;
  var list = document.getElementById('transcript');
  var form = document.getElementById('say');
  var input = document.getElementById('Text');
  var user = newUser();

  function newUser() {
    var a = new Uint8Array(8);
    crypto.getRandomValues(a);
    return Array.from(a, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function row(label, value) {
    var tr = el('tr');
    tr.appendChild(el('th', '', label)).setAttribute('scope', 'row');
    var td = el('td');
    if (value instanceof Node) td.appendChild(value); else td.textContent = value;
    tr.appendChild(td);
    return tr;
  }

  function trace(t) {
    var d = el('details', 'trace');
    d.appendChild(el('summary', '', 'Trace: ' + (t.task || (t.fallback ? 'fallback' : 'no task')) +
      (t.confidence ? ' (' + t.confidence.toFixed(2) + ')' : '')));
    var table = el('table');
    var body = el('tbody');
    body.appendChild(row('Task', t.task || '(none)'));
    body.appendChild(row('Confidence', String(t.confidence)));
    body.appendChild(row('Next best task', t.next_best || '(none)'));
    body.appendChild(row('Fields', (t.fields || []).map(function (f) { return f.Name + ' = ' + f.Value + ' (' + f.Type + ')'; }).join(', ') || '(none)'));
    body.appendChild(row('Redirects', (t.redirects || []).join(' → ') || '(none)'));
    var hooks = el('ul');
    (t.webhooks || []).forEach(function (w) {
      hooks.appendChild(el('li', w.error ? 'error' : '', w.method + ' ' + w.url + ': ' + (w.status || 'no answer') + ' in ' + w.took_ms.toFixed(1) + ' ms' + (w.error ? ' (' + w.error + ')' : '')));
    });
    body.appendChild(row('Webhooks', (t.webhooks || []).length ? hooks : '(none)'));
    if ((t.faults || []).length) {
      body.appendChild(row('Faults', t.faults.map(function (f) { return f.code + ': ' + f.message; }).join('; ')));
    }
    var mem = el('pre', 'memory');
    mem.textContent = JSON.stringify(t.memory, null, 2);
    body.appendChild(row('Memory', mem));
    body.appendChild(row('Dialogue', t.dialogue + (t.ended ? ' (ended)' : '')));
    table.appendChild(body);
    d.appendChild(table);
    return d;
  }

  function add(li) {
    list.appendChild(li);
    li.scrollIntoView({ block: 'nearest' });
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value;
    add(el('li', 'user', text));
    input.value = '';
    var data = new URLSearchParams({ Text: text, User: user });
    fetch(url, { method: 'POST', body: data, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (t) {
        var li = el('li', 'bot');
        if (t.error) {
          li.appendChild(el('p', 'error', t.error));
          add(li);
          return;
        }
        t.says.forEach(function (s) { li.appendChild(el('p', 'say', s)); });
        (t.shows || []).forEach(function (s) {
          var p = el('p', 'show', s.body);
          (s.images || []).forEach(function (src) {
            var img = el('img');
            img.src = src;
            img.alt = s.body || 'image';
            p.appendChild(img);
          });
          li.appendChild(p);
        });
        if (!t.says.length && !(t.shows || []).length) li.appendChild(el('p', 'quiet', '(the bot says nothing)'));
        li.appendChild(trace(t));
        add(li);
        if (t.ended) add(el('li', 'notice', 'The dialogue ended: the next message starts a new one.'));
      })
      .catch(function (e) { add(el('li', 'bot error', 'The request failed: ' + e)); });
  });

  document.getElementById('reset').addEventListener('click', function () {
    user = newUser();
    list.textContent = '';
    add(el('li', 'notice', 'A new dialogue.'));
    input.focus();
  });
})();
