/*
 * sw.js - Savoir's service worker, served at /sw.js so that its scope is
 * the whole site.  It keeps the application shell and every page visited
 * so that they stay readable with no connection:
 *   - pages (/, /recherche, /doc/...): network first, the copy kept on
 *     success and served when the network fails; a document is kept once
 *     under its path, whatever ?q= it was opened with;
 *   - static files: cache first, refreshed in the background;
 *   - the API is never cached (suggestions are only useful online).
 * When a page was never visited and the network is down, a short French
 * page lists the documents that can be read offline.
 */
'use strict';

var VERSION = 'savoir-1';
var SHELL_CACHE = VERSION + '-shell';
var PAGE_CACHE = VERSION + '-pages';
var MAX_PAGES = 300;
var SHELL = [
	'/',
	'/static/savoir.css',
	'/static/savoir.js',
	'/static/savoir.svg',
	'/favicon.ico',
	'/manifest.webmanifest'
];

self.addEventListener('install', function (event) {
	event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
		return cache.addAll(SHELL);
	}).then(function () {
		return self.skipWaiting();
	}));
});

self.addEventListener('activate', function (event) {
	event.waitUntil(caches.keys().then(function (keys) {
		return Promise.all(keys.filter(function (k) {
			return k.indexOf(VERSION + '-') !== 0;
		}).map(function (k) {
			return caches.delete(k);
		}));
	}).then(function () {
		return self.clients.claim();
	}));
});

/* The key a page is kept under: documents without their query. */
function pageKey(url) {
	if (url.pathname.indexOf('/doc/') === 0)
		return url.origin + url.pathname;
	return url.href;
}

/* Forget the oldest pages beyond MAX_PAGES (keys come oldest first). */
function trim(cache) {
	return cache.keys().then(function (keys) {
		var excess = keys.length - MAX_PAGES, i, done = [];

		for (i = 0; i < excess; i++)
			done.push(cache.delete(keys[i]));
		return Promise.all(done);
	});
}

function escapeHtml(s) {
	return s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
	    .replace(/>/g, '&gt;').replace(/"/g, '&quot;')
	    .replace(/'/g, '&#39;');
}

/* The title of a kept page, still HTML-escaped as the server wrote it;
 * decoded here so that it is escaped once again below. */
function titleOf(html) {
	var m = /<title>([^<]*)<\/title>/.exec(html);
	var t = m !== null ? m[1] : '';

	t = t.replace(/ · Savoir$/, '');
	return t.replace(/&lt;/g, '<').replace(/&gt;/g, '>')
	    .replace(/&quot;/g, '"').replace(/&#39;/g, "'")
	    .replace(/&amp;/g, '&');
}

/* A page saying we are offline, with the documents kept. */
function offlinePage() {
	return caches.open(PAGE_CACHE).then(function (cache) {
		return cache.keys();
	}).then(function (keys) {
		var docs = keys.filter(function (r) {
			return new URL(r.url).pathname.indexOf('/doc/') === 0;
		}).slice(-100);

		return Promise.all(docs.map(function (r) {
			return caches.match(r).then(function (resp) {
				return resp !== undefined ? resp.text() : '';
			}).then(function (html) {
				return { url: new URL(r.url).pathname,
				    title: titleOf(html) };
			});
		}));
	}).then(function (docs) {
		var items = docs.map(function (d) {
			return '<li><a href="' + escapeHtml(d.url) + '">' +
			    escapeHtml(d.title || d.url) + '</a></li>';
		}).join('\n');
		var body = '<!doctype html>\n<html lang="fr"><head>' +
		    '<meta charset="utf-8"><meta name="viewport" ' +
		    'content="width=device-width, initial-scale=1">' +
		    '<title>Hors connexion · Savoir</title>' +
		    '<link rel="stylesheet" href="/static/savoir.css"></head>' +
		    '<body class="page-offline"><header class="site-header">' +
		    '<div class="wrap site-header__inner"><a class="brand" ' +
		    'href="/"><span class="brand__name">Savoir</span></a>' +
		    '</div></header><main id="contenu" class="wrap main">' +
		    '<section class="error"><h1 class="error__title">Hors ' +
		    'connexion</h1><p>Cette page n\'a pas encore été ' +
		    'consultée sur cet appareil : elle n\'est pas disponible ' +
		    'sans connexion. Réessayez une fois le réseau revenu.</p>' +
		    (items !== '' ? '<h2>Documents lisibles hors connexion' +
		    '</h2><ul>' + items + '</ul>' : '<p>Aucun document n\'a ' +
		    'encore été gardé pour une lecture hors connexion.</p>') +
		    '</section></main></body></html>\n';

		/* 200: it is a page of its own, and a 503 would be logged as an
		 * error on every offline visit. */
		return new Response(body, {
			status: 200,
			headers: { 'Content-Type': 'text/html; charset=utf-8' }
		});
	});
}

function networkFirst(request, url) {
	return fetch(request).then(function (resp) {
		var copy;

		if (resp.ok && resp.type === 'basic') {
			copy = resp.clone();
			caches.open(PAGE_CACHE).then(function (cache) {
				return cache.put(pageKey(url), copy).then(
				    function () {
					return trim(cache);
				});
			}).catch(function () {});
		}
		return resp;
	}).catch(function () {
		return caches.match(pageKey(url)).then(function (hit) {
			if (hit !== undefined)
				return hit;
			if (request.mode === 'navigate')
				return offlinePage();
			return Response.error();
		});
	});
}

/* Cache first, refreshed behind the scenes so that an edited style sheet
 * shows on the next visit. */
function cacheFirst(event, request) {
	var refresh = fetch(request).then(function (resp) {
		var copy;

		if (!resp.ok || resp.type !== 'basic')
			return resp;
		copy = resp.clone();
		return caches.open(SHELL_CACHE).then(function (cache) {
			return cache.put(request, copy);
		}).catch(function () {}).then(function () {
			return resp;
		});
	});

	event.waitUntil(refresh.catch(function () {}));
	return caches.match(request).then(function (hit) {
		return hit !== undefined ? hit : refresh;
	});
}

self.addEventListener('fetch', function (event) {
	var request = event.request;
	var url = new URL(request.url);

	if (request.method !== 'GET' || url.origin !== self.location.origin)
		return;
	if (url.pathname.indexOf('/api/') === 0 || url.pathname === '/sw.js' ||
	    url.pathname === '/healthz' || url.pathname === '/metrics')
		return;
	if (url.pathname.indexOf('/static/') === 0 ||
	    url.pathname === '/favicon.ico' ||
	    url.pathname === '/manifest.webmanifest') {
		event.respondWith(cacheFirst(event, request));
		return;
	}
	event.respondWith(networkFirst(request, url));
});
