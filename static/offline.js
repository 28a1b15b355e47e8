// Offline visits for volunteers' phones. Registers the service worker (sw.js) that keeps the
// pages; saves every visit in IndexedDB before sending it, with the id the form was given, so a
// visit typed without a signal waits on the phone and is sent (exactly once: the server accepts
// each id once) when the connection returns or the app is opened. A visit the server refuses
// stays on the phone with the reason until the volunteer discards it: nothing is dropped silently.
(function () {
  'use strict';
  var outbox = document.getElementById('outbox');
  if (!outbox || !window.indexedDB) return;
  var user = outbox.getAttribute('data-user');
  var PAGES = 'shouhu-pages-v1';
  var serviceWorker = 'serviceWorker' in navigator
    ? navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(function () {
      return navigator.serviceWorker.ready;
    }).catch(function () {})
    : Promise.resolve();

  // --- The queue: one IndexedDB store of visits, keyed by the visit's id. ---
  function withStore(mode, work) {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open('shouhu', 1);
      open.onupgradeneeded = function () { open.result.createObjectStore('visits', { keyPath: 'id' }); };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () {
        var db = open.result;
        var tx = db.transaction('visits', mode);
        var request = work(tx.objectStore('visits'));
        tx.oncomplete = function () { db.close(); resolve(request.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      };
    });
  }
  function queued() {
    return withStore('readonly', function (s) { return s.getAll(); }).then(function (all) {
      return all.filter(function (v) { return v.user === user; })
        .sort(function (a, b) { return a.saved_at < b.saved_at ? -1 : 1; });
    });
  }
  function keep(visit) { return withStore('readwrite', function (s) { return s.put(visit); }); }
  function forget(id) { return withStore('readwrite', function (s) { return s.delete(id); }); }

  // --- Sending. ---
  function csrf() {
    var field = document.querySelector('input[name=csrf]');
    return field ? field.value : '';
  }
  // Resolves to 'sent', 'invalid' (the form can show why), 'refused' (kept with its reason) or
  // 'waiting' (no signal, signed out, or a fault on the server: sent again later).
  function send(visit) {
    return fetch('/api/v1/visits', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf() },
      body: JSON.stringify(visit.body)
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        return forget(visit.id).then(function () { return 'sent'; });
      }
      if ([404, 409, 422].indexOf(response.status) < 0) return 'waiting';
      return response.json().catch(function () { return {}; }).then(function (answer) {
        var error = answer.error || {};
        visit.state = 'refused';
        visit.code = error.code || 'refused';
        visit.message = error.message || '';
        return keep(visit).then(function () {
          return visit.code === 'invalid' || visit.code === 'before_pairing' ? 'invalid' : 'refused';
        });
      });
    }, function () { return 'waiting'; });
  }

  var flushing = null;
  function flush() {
    if (flushing) return flushing;
    flushing = queued().then(function (all) {
      return all.filter(function (v) { return v.state === 'pending'; }).reduce(function (done, visit) {
        return done.then(function () { return send(visit); });
      }, Promise.resolve());
    }).catch(function () {}).then(function () { flushing = null; return show(); });
    return flushing;
  }

  // --- What the volunteer sees: how many wait, and every refused visit with its reason. ---
  var REASONS = { pairing_ended: 'data-pairing-ended', not_found: 'data-not-found', invalid: 'data-invalid',
    before_pairing: 'data-invalid', id_taken: 'data-other' };
  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  }
  function show() {
    return queued().then(function (all) {
      var waiting = all.filter(function (v) { return v.state === 'pending'; });
      var refused = all.filter(function (v) { return v.state === 'refused'; });
      outbox.textContent = '';
      outbox.hidden = all.length === 0;
      outbox.setAttribute('data-count', String(waiting.length));
      if (waiting.length) {
        outbox.appendChild(element('p', 'waiting', outbox.getAttribute('data-waiting').replace('{n}', waiting.length)));
      }
      refused.forEach(function (visit) {
        var item = element('div', 'refused');
        item.setAttribute('data-visit', visit.id);
        item.appendChild(element('p', '', outbox.getAttribute('data-refused')));
        item.appendChild(element('p', '', (visit.child || '') + ' · ' + visit.body.visited_on + ' · ' +
          (visit.body.notes || '').slice(0, 80)));
        item.appendChild(element('p', 'error reason', outbox.getAttribute(REASONS[visit.code] || 'data-other')));
        var discard = element('button', 'link discard', outbox.getAttribute('data-discard'));
        discard.type = 'button';
        discard.addEventListener('click', function () { forget(visit.id).then(show); });
        item.appendChild(discard);
        outbox.appendChild(item);
      });
    }).catch(function () {});
  }

  // --- The visit form: every visit goes through the queue. ---
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  function localToday() {
    var d = new Date();
    return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
  }
  function fromForm(form) {
    var data = new FormData(form);
    var text = function (k) { return data.get(k) || ''; };
    var number = function (k) { var v = data.get(k); return v === null || v === '' ? null : Number(v); };
    var body = {
      id: text('id'), child_id: text('child_id'), kind: text('kind'), visited_on: text('visited_on'),
      duration_minutes: number('duration_minutes'), study: number('study'), life: number('life'),
      health: number('health'), mood: number('mood'), notes: text('notes'), needs: text('needs'),
      follow_up: text('follow_up'), follow_up_due: text('follow_up_due'), also_for: []
    };
    data.forEach(function (value, key) {
      if (key.indexOf('sibling_') === 0 && value) body.also_for.push(key.slice(8));
    });
    return { id: body.id, user: user, state: 'pending', child: form.getAttribute('data-child-name'),
      saved_at: new Date().toISOString(), body: body };
  }
  var form = document.getElementById('visit-form');
  if (form) {
    // A form kept on the phone was drawn once: each visit typed into it gets its own id, and the
    // default date moves to the day it is used.
    form.querySelector('input[name=id]').value = newId();
    var date = form.querySelector('input[name=visited_on]');
    if (date.value === form.getAttribute('data-today')) date.value = localToday();
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = form.querySelector('button[type=submit]');
      if (button.disabled) return;
      button.disabled = true;
      var visit = fromForm(form);
      keep(visit).then(function () { return send(visit); }).then(function (result) {
        if (result === 'invalid') {
          // Online and wrong: post the form itself, and the server shows why beside the fields.
          return forget(visit.id).then(function () { form.submit(); });
        }
        location.href = '/v/children/' + visit.body.child_id + (result === 'sent' ? '?saved=1' : '');
      }, function () { form.submit(); }); // no IndexedDB (private browsing): post as before
    });
  }

  // --- Keep the volunteer's pages on the phone, from the home page. ---
  function keepPages() {
    var home = document.getElementById('home-heading');
    if (!home || home.getAttribute('data-role') !== 'volunteer' || !window.caches) return Promise.resolve();
    var urls = ['/', '/v/hours'];
    document.querySelectorAll('#my-children a[href^="/v/children/"]').forEach(function (a) {
      urls.push(a.getAttribute('href'));
    });
    // Fetched again at most every quarter hour (each copy of a card is on the audit record),
    // and at once when a page is missing (a new pairing).
    var stamp = 'shouhu-kept-' + user;
    var recent = Date.now() - Number(localStorage.getItem(stamp) || 0) < 15 * 60 * 1000;
    return caches.open(PAGES).then(function (cache) {
      return Promise.all(urls.map(function (url) {
        return (recent ? cache.match(url) : Promise.resolve(null)).then(function (hit) {
          if (hit) return null;
          return fetch(url, { credentials: 'same-origin', headers: { 'x-shouhu-prefetch': '1' } }).then(function (response) {
            if (response.ok && response.headers.get('x-shouhu-offline') === 'page') return cache.put(url, response);
            return cache.delete(url);
          });
        }).catch(function () {});
      }));
    }).then(function () { if (!recent) localStorage.setItem(stamp, String(Date.now())); });
  }

  show();
  flush().then(function () { return serviceWorker; }).then(keepPages).then(function () {
    document.documentElement.setAttribute('data-offline', 'ready');
  });
  window.addEventListener('online', flush);
  document.addEventListener('visibilitychange', function () { if (!document.hidden) flush(); });
  // A weak signal may never fire 'online': try again every half minute while visits wait.
  setInterval(function () {
    if (outbox.getAttribute('data-count') !== '0' && !outbox.hidden) flush();
  }, 30000);
})();
