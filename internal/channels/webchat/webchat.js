// Parley's web chat window. Embed it with
//   <script src="https://PARLEY/webchat.js" data-assistant="UA…" data-title="Chat with us"></script>
// It talks to PARLEY's public web chat channel of that assistant; the
// assistant must allow this page's origin (the console's assistant page).
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me) return;
  var base = new URL(me.src).origin;
  var assistant = me.getAttribute('data-assistant');
  var title = me.getAttribute('data-title') || 'Chat';
  var storeKey = 'parley-webchat-' + assistant;

  var host = document.createElement('div');
  host.setAttribute('data-parley-webchat', assistant);
  document.body.appendChild(host);
  var root = host.attachShadow({ mode: 'open' });
  root.innerHTML =
    '<style>' +
    ':host{all:initial}' +
    '.open{position:fixed;right:16px;bottom:16px;z-index:2147483000;padding:12px 18px;border:0;border-radius:24px;background:#0b57d0;color:#fff;font:600 16px system-ui,sans-serif;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3)}' +
    '.panel{position:fixed;right:16px;bottom:16px;z-index:2147483001;width:360px;max-width:calc(100vw - 32px);height:520px;max-height:calc(100vh - 32px);display:flex;flex-direction:column;background:#fff;color:#1b1f24;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.3);font:15px/1.4 system-ui,sans-serif}' +
    '.panel[hidden]{display:none}' +
    '@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:80vh;border-radius:12px 12px 0 0}}' +
    'header{display:flex;align-items:center;justify-content:space-between;padding:10px 14px;background:#0b57d0;color:#fff;border-radius:12px 12px 0 0;font-weight:600}' +
    'header button{background:none;border:0;color:#fff;font-size:20px;cursor:pointer}' +
    'ol{list-style:none;margin:0;padding:12px;flex:1;overflow-y:auto;display:flex;flex-direction:column;gap:8px}' +
    'li{max-width:85%;padding:8px 12px;border-radius:12px;overflow-wrap:anywhere}' +
    '.user{align-self:flex-end;background:#0b57d0;color:#fff}' +
    '.bot{align-self:flex-start;background:#eef1f4}' +
    '.note{align-self:center;color:#57606a;font-size:13px;background:none}' +
    'li img{display:block;max-width:100%;margin-top:6px;border-radius:6px}' +
    'form{display:flex;gap:8px;padding:10px;border-top:1px solid #d0d7de}' +
    'input{flex:1;padding:8px;font:inherit;border:1px solid #8c959f;border-radius:6px}' +
    'form button{padding:8px 14px;border:0;border-radius:6px;background:#0b57d0;color:#fff;font:inherit;cursor:pointer}' +
    'button:focus-visible,input:focus-visible{outline:3px solid #fbbc04;outline-offset:2px}' +
    '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}' +
    '</style>' +
    '<button class="open" type="button" aria-expanded="false"></button>' +
    '<section class="panel" role="dialog" aria-label="" hidden>' +
    '<header><span class="title"></span><button type="button" class="close" aria-label="Close the chat">×</button></header>' +
    '<ol aria-live="polite"></ol>' +
    '<form><label class="sr" for="m">Your message</label><input id="m" autocomplete="off" placeholder="Type a message" maxlength="2000" required><button type="submit">Send</button></form>' +
    '</section>';
  var open = root.querySelector('.open');
  var panel = root.querySelector('.panel');
  var log = root.querySelector('ol');
  var form = root.querySelector('form');
  var input = root.querySelector('input');
  open.textContent = title;
  panel.setAttribute('aria-label', title);
  root.querySelector('.title').textContent = title;

  function visitor() {
    try { return localStorage.getItem(storeKey) || ''; } catch (e) { return ''; }
  }
  function keep(v) {
    try { localStorage.setItem(storeKey, v); } catch (e) { /* private mode */ }
  }
  function add(cls, text) {
    var li = document.createElement('li');
    li.className = cls;
    if (text !== undefined) li.textContent = text;
    log.appendChild(li);
    li.scrollIntoView({ block: 'nearest' });
    return li;
  }
  function show(open_) {
    panel.hidden = !open_;
    open.hidden = open_;
    open.setAttribute('aria-expanded', String(open_));
    if (open_) input.focus(); else open.focus();
  }
  open.addEventListener('click', function () { show(true); });
  root.querySelector('.close').addEventListener('click', function () { show(false); });
  panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') show(false); });

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    if (!text) return;
    add('user', text);
    input.value = '';
    fetch(base + '/webchat/' + encodeURIComponent(assistant) + '/messages', {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      body: new URLSearchParams({ Text: text, Visitor: visitor() }),
    }).then(function (r) { return r.json(); }).then(function (r) {
      if (r.visitor) keep(r.visitor);
      if (r.error) { add('note', r.error); return; }
      r.messages.forEach(function (m) {
        var li = add('bot', m.text);
        (m.images || []).forEach(function (im) {
          var img = document.createElement('img');
          img.src = im.url;
          img.alt = im.label || m.text || 'image';
          li.appendChild(img);
        });
      });
      if (r.ended) add('note', 'The conversation ended. Write again to start a new one.');
    }).catch(function () { add('note', 'The message could not be sent. Try again.'); });
  });
})();
