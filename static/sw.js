// Shouhu's service worker: keeps a volunteer's pages (home, child cards, visit forms, hours) and
// the assets, for use where the signal drops. Pages come from the network first; a kept copy is
// served only when the network fails. Only pages the server marks `x-shouhu-offline: page` are
// kept, a page the server no longer gives (signed out, pairing ended) is forgotten, and signing
// out forgets them all. Visits typed offline live in IndexedDB (see offline.js), not here.
'use strict';
var PAGES = 'shouhu-pages-v1';
var ASSETS = 'shouhu-assets-v2';
var ASSET_URLS = ['/static/app.css', '/static/offline.js', '/static/menu.js'];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(ASSETS)
    .then(function (cache) { return cache.addAll(ASSET_URLS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys()
    .then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== PAGES && k !== ASSETS; })
        .map(function (k) { return caches.delete(k); }));
    })
    .then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === 'POST' && url.pathname === '/logout') {
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== 'GET') return;
  if (url.pathname.indexOf('/static/') === 0) {
    event.respondWith(asset(request));
  } else if (request.mode === 'navigate') {
    event.respondWith(page(request, url));
  }
});

function asset(request) {
  return caches.open(ASSETS).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.ok) cache.put(request, response.clone());
      return response;
    }, function () {
      return cache.match(request, { ignoreSearch: true }).then(function (hit) {
        return hit || Response.error();
      });
    });
  });
}

function page(request, url) {
  var key = url.pathname;
  return caches.open(PAGES).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.ok && response.headers.get('x-shouhu-offline') === 'page') {
        // `?saved=1` and the like are one-off notices: keep the plain page only.
        if (!url.search) cache.put(key, response.clone());
      } else if (response.status < 500) {
        cache.delete(key);
      }
      return response;
    }, function () {
      return cache.match(key).then(function (hit) {
        return hit || cache.match('/').then(function (home) { return home || unavailable(); });
      });
    });
  });
}

function unavailable() {
  var html = '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>守护</title><link rel="stylesheet" href="/static/app.css"><main class="main" id="offline-unavailable">' +
    '<h1>没有网络</h1><p>这一页没有保存在手机上，请在有信号时再打开。</p>' +
    '<p lang="en">No connection. This page is not kept on this phone; open it again when there is a signal.</p></main>';
  return new Response(html, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } });
}
