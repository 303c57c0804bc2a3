/*
 * sw.js - Savoir's service worker, served at /sw.js so that its scope is
 * the whole site.  It keeps pages readable with no connection:
 *   - pages (/, /recherche, /doc/...): network first, the copy kept on
 *     success and served when the network fails; a document is kept once
 *     under its path, whatever ?q= it was opened with;
 *   - static files: cache first, refreshed in the background;
 *   - the API is never cached (suggestions are only useful online), but
 *     for the offline search index, kept with the library;
 *   - the library kept offline (asked for from a page, see savoir.js):
 *     every document page and the static files in LIBRARY_CACHE, brought
 *     up to date from the change feed (/api/changes) at each visit.
 * When a page was never kept and the network is down, a short French page
 * says so and lists what can be read offline.
 *
 * The library's downloads run here rather than in the page: a page's
 * failed request is an error in its console, a worker's is not, and the
 * work goes on while the person moves from page to page.  Its state (what
 * is kept, up to which change) is one JSON entry in LIBRARY_CACHE, which
 * the pages read directly to draw /hors-ligne.  This file never writes
 * anywhere but Cache Storage.
 */
'use strict';

var VERSION = 'savoir-2';
var SHELL_CACHE = VERSION + '-shell';
var PAGE_CACHE = VERSION + '-pages';
/* Not named after VERSION: a new sw.js keeps the library downloaded. */
var LIBRARY_CACHE = 'savoir-library';
var STATE_PATH = '/hors-ligne/etat.json';	/* never a route */
var MAX_PAGES = 300;
var PARALLEL = 4;		/* documents downloaded at a time */
var FEED_PAGE = 1000;		/* /api/changes' largest page */
var SYNC_EVERY = 30000;		/* ms between passes a page view starts */
var SHELL = [
	'/',
	'/static/savoir.css',
	'/static/savoir.js',
	'/static/savoir.svg',
	'/favicon.ico',
	'/manifest.webmanifest'
];
/* What the library keeps besides the documents: the shell, this page,
 * and the offline search (written apart: see OFFLINE SEARCH below). */
var LIBRARY_FILES = SHELL.concat([
	'/hors-ligne',
	'/static/offline-search.html',
	'/static/offline-search.js',
	'/api/offline/index'
]);

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
			return k.indexOf(VERSION + '-') !== 0 &&
			    k !== LIBRARY_CACHE;
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

/* A document's address, encoded as the server writes it (url.c: only
 * RFC 3986's unreserved characters left as they are). */
function docPath(id) {
	return '/doc/' + id.split('/').map(function (part) {
		return encodeURIComponent(part).replace(/[!'()*]/g,
		    function (c) {
			return '%' + c.charCodeAt(0).toString(16).toUpperCase();
		});
	}).join('/');
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
 * decoded here so that it is escaped once again where it is shown. */
function titleOf(html) {
	var m = /<title>([^<]*)<\/title>/.exec(html);
	var t = m !== null ? m[1] : '';

	t = t.replace(/ · Savoir$/, '');
	return t.replace(/&lt;/g, '<').replace(/&gt;/g, '>')
	    .replace(/&quot;/g, '"').replace(/&#39;/g, "'")
	    .replace(/&amp;/g, '&');
}

/* --- the library kept offline ------------------------------------------ */

/*
 * state: { whole: keep every document, epoch: the index's (a new one means
 * a new index: start over), seq: the last change applied, docs: { id:
 * { title, size, seq, pinned } }, failed: [ids to retry], updated: ms of
 * the last complete pass, complete: a pass of the whole library ended,
 * files: bytes of LIBRARY_FILES }.
 */
function emptyState() {
	return { whole: false, epoch: '', seq: 0, docs: {}, failed: [],
	    updated: 0, complete: false, files: 0 };
}

var library = null;		/* the state, once read */
var queue = Promise.resolve();	/* library operations, one at a time */
var progress = null;		/* { done, total } while downloading */
var full = false;		/* the browser's storage quota was reached */

function serial(fn) {
	var p = queue.then(fn);

	queue = p.catch(function () {});
	return p;
}

function loadState() {
	if (library !== null)
		return Promise.resolve(library);
	return caches.open(LIBRARY_CACHE).then(function (cache) {
		return cache.match(STATE_PATH);
	}).then(function (resp) {
		return resp !== undefined ? resp.json() : emptyState();
	}).catch(function () {
		return emptyState();
	}).then(function (s) {
		library = s;
		return s;
	});
}

/* The old entry goes first: with the storage quota reached, its room is
 * what lets the new one in. */
function saveState() {
	return caches.open(LIBRARY_CACHE).then(function (cache) {
		return cache.delete(STATE_PATH).then(function () {
			return cache;
		});
	}).then(function (cache) {
		return cache.put(STATE_PATH, new Response(
		    JSON.stringify(library), { headers:
		    { 'Content-Type': 'application/json' } }));
	});
}

/* What every page is told: enough to draw the controls. */
function summary(extra) {
	var s = library || emptyState(), ids = Object.keys(s.docs), size = 0,
	    pinned = 0, missing = 0, i, out;

	for (i = 0; i < ids.length; i++) {
		size += s.docs[ids[i]].size || 0;
		if (s.docs[ids[i]].pinned)
			pinned++;
	}
	/* Failed downloads of documents not kept at all yet. */
	for (i = 0; i < s.failed.length; i++)
		if (s.docs[s.failed[i]] === undefined)
			missing++;
	out = { type: 'library', whole: s.whole, count: ids.length,
	    pinned: pinned, size: size + (s.files || 0), updated: s.updated,
	    failed: s.failed.length, missing: missing,
	    busy: progress !== null,
	    done: progress !== null ? progress.done : 0,
	    total: progress !== null ? progress.total : 0 };
	for (i in extra || {})
		out[i] = extra[i];
	return out;
}

function tell(extra) {
	var msg = summary(extra);

	return self.clients.matchAll({ includeUncontrolled: true,
	    type: 'window' }).then(function (list) {
		list.forEach(function (c) {
			c.postMessage(msg);
		});
	});
}

/* Fetch one document into the library; resolves to false if it failed
 * (kept for the next pass), true otherwise (a 404 is a deletion). */
function keepDoc(cache, id, seq, pinned) {
	var key = self.location.origin + docPath(id);

	return fetch(key, { cache: 'no-store', credentials: 'same-origin' })
	    .then(function (resp) {
		if (resp.status === 404)
			return dropDoc(cache, id).then(function () {
				return true;
			});
		if (!resp.ok)
			return false;
		return resp.clone().text().then(function (html) {
			return cache.put(key, resp).then(function () {
				library.docs[id] = { title: titleOf(html),
				    size: new Blob([html]).size, seq: seq,
				    pinned: pinned };
				return true;
			});
		});
	}).catch(function (e) {
		if (e && e.name === 'QuotaExceededError')
			full = true;
		return false;
	});
}

function dropDoc(cache, id) {
	delete library.docs[id];
	return cache.delete(self.location.origin + docPath(id));
}

/* The files beside the documents; a missing one (404) is left out. */
function keepFiles(cache) {
	var total = 0;

	return Promise.all(LIBRARY_FILES.map(function (path) {
		return fetch(path, { cache: 'no-store',
		    credentials: 'same-origin' }).then(function (resp) {
			if (!resp.ok)
				return cache.delete(path);
			return resp.clone().blob().then(function (b) {
				total += b.size;
				return cache.put(path, resp);
			});
		}).catch(function () {});
	})).then(function () {
		library.files = total;
	});
}

/* Every change since seq, newest op per document. */
function readFeed(since) {
	var changes = {}, last = since, epoch = null;

	function page(from) {
		return fetch('/api/changes?since=' + from + '&limit=' +
		    FEED_PAGE, { cache: 'no-store', credentials: 'same-origin',
		    headers: { 'Accept': 'application/json' } })
		    .then(function (resp) {
			if (!resp.ok)
				throw new Error('change feed: ' + resp.status);
			return resp.json();
		}).then(function (f) {
			if (epoch === null)
				epoch = f.epoch;
			f.changes.forEach(function (c) {
				changes[c.id] = { op: c.op, seq: c.seq };
			});
			last = f.next;
			if (f.more && f.next > from)
				return page(f.next);
			return { epoch: epoch, last: last, changes: changes };
		});
	}
	return page(since);
}

/* Run list through fn, PARALLEL at a time, calling step after each. */
function throttle(list, fn, step) {
	var at = 0;

	function worker() {
		var item;

		if (at >= list.length)
			return Promise.resolve();
		item = list[at++];
		return fn(item).then(step).then(worker);
	}
	var workers = [], i;
	for (i = 0; i < PARALLEL; i++)
		workers.push(worker());
	return Promise.all(workers);
}

/*
 * One pass: read the feed since the last change applied, drop what was
 * deleted, download what is new or changed (the whole library, or the
 * pinned documents only), retry what failed last time.  Offline, nothing
 * happens and the pages are told so.
 */
function syncLibrary(keepWhole, force) {
	var cache, feed, todo = [], failed = [];

	return loadState().then(function () {
		if (keepWhole)
			library.whole = true;
		if ((!library.whole && Object.keys(library.docs).length === 0 &&
		    library.failed.length === 0) || (!keepWhole && !force &&
		    Date.now() - library.updated < SYNC_EVERY))
			return tell();
		return caches.open(LIBRARY_CACHE).then(function (c) {
			cache = c;
			/* The whole library's first pass reads the whole feed
			 * (pins alone may have moved seq on). */
			return readFeed(library.epoch !== '' && (!library.whole ||
			    library.complete) ? library.seq : 0);
		}).then(function (f) {
			feed = f;
			/* A new index: its numbering starts over. */
			if (library.epoch !== '' && f.epoch !== library.epoch)
				return readFeed(0).then(function (g) {
					feed = g;
					Object.keys(library.docs).forEach(
					    function (id) {
						library.docs[id].seq = -1;
					});
				});
		}).then(function () {
			var retry = {}, ids, i, id, c, d;

			library.failed.forEach(function (id) {
				retry[id] = true;
			});
			ids = Object.keys(feed.changes);
			for (i = 0; i < ids.length; i++) {
				id = ids[i];
				c = feed.changes[id];
				d = library.docs[id];
				if (c.op === 'del') {
					if (d !== undefined)
						todo.push({ id: id, del: true });
					delete retry[id];
					continue;
				}
				if (d !== undefined ? (d.seq < c.seq ||
				    retry[id]) : library.whole || retry[id])
					todo.push({ id: id, seq: c.seq,
					    pinned: d !== undefined && d.pinned });
				delete retry[id];
			}
			/* Kept documents the feed no longer names (a new
			 * index without them) go; failed ones are retried. */
			if (feed.epoch !== library.epoch && library.epoch !== '')
				Object.keys(library.docs).forEach(function (id) {
					if (feed.changes[id] === undefined)
						todo.push({ id: id, del: true });
				});
			Object.keys(retry).forEach(function (id) {
				todo.push({ id: id, seq: feed.last,
				    pinned: library.docs[id] !== undefined &&
				    library.docs[id].pinned });
			});
			progress = { done: 0, total: todo.length };
			full = false;
			return tell();
		}).then(function () {
			return throttle(todo, function (t) {
				if (t.del)
					return dropDoc(cache, t.id);
				/* Out of room: the rest waits for the next pass
				 * (deletions above still free some). */
				if (full) {
					failed.push(t.id);
					return Promise.resolve();
				}
				return keepDoc(cache, t.id, t.seq, t.pinned)
				    .then(function (ok) {
					if (!ok)
						failed.push(t.id);
				});
			}, function () {
				progress.done++;
				/* Saved as it goes: a worker stopped halfway
				 * resumes where it was. */
				if (progress.done % 25 === 0)
					return saveState().then(function () {
						return tell();
					});
				return tell();
			});
		}).then(function () {
			/* The files again only when the documents moved: the
			 * offline search index follows them. */
			if (todo.length > 0 || !library.complete ||
			    library.files === 0)
				return keepFiles(cache);
		}).then(function () {
			library.epoch = feed.epoch;
			library.seq = feed.last;
			library.failed = failed;
			library.updated = Date.now();
			library.complete = library.whole;
			progress = null;
			return saveState();
		}).then(function () {
			return tell({ event: full ? 'full' : 'synced' });
		});
	}).catch(function () {
		/* Offline, the server failing, or no room left: the next
		 * visit tries again; what was downloaded stays (the state is
		 * saved as it goes), and what is still to fetch is counted as
		 * missing, so the page never says « toute la bibliothèque »
		 * of a pass cut short. */
		progress = null;
		if (library !== null)
			todo.forEach(function (t) {
				if (!t.del && library.docs[t.id] === undefined &&
				    library.failed.indexOf(t.id) < 0)
					library.failed.push(t.id);
			});
		return (library !== null ? saveState() : Promise.resolve())
		    .catch(function () {}).then(function () {
			return tell({ event: full ? 'full' : 'offline' });
		});
	});
}

function pinDoc(id) {
	return loadState().then(function () {
		return caches.open(LIBRARY_CACHE);
	}).then(function (cache) {
		return keepDoc(cache, id, library.seq, true);
	}).then(function (ok) {
		if (ok && library.docs[id] !== undefined)
			library.docs[id].pinned = true;
		return saveState().then(function () {
			return tell({ event: ok ? 'pinned' : 'pin-failed',
			    id: id });
		});
	});
}

function unpinDoc(id) {
	return loadState().then(function () {
		return caches.open(LIBRARY_CACHE);
	}).then(function (cache) {
		if (library.whole && library.docs[id] !== undefined) {
			library.docs[id].pinned = false;
			return null;
		}
		return dropDoc(cache, id);
	}).then(function () {
		return saveState();
	}).then(function () {
		return tell({ event: 'unpinned', id: id });
	});
}

function clearLibrary() {
	return caches.delete(LIBRARY_CACHE).then(function () {
		library = emptyState();
		progress = null;
		return tell({ event: 'cleared' });
	});
}

self.addEventListener('message', function (event) {
	var m = event.data || {};
	var id = typeof m.id === 'string' && m.id.length < 1024 ? m.id : null;
	var work;

	switch (m.type) {
	case 'keep':
		work = serial(function () {
			return syncLibrary(true, true);
		});
		break;
	case 'sync':
		/* A pass already running or queued answers for this one. */
		if (progress !== null)
			return;
		work = serial(function () {
			return syncLibrary(false, m.force === true);
		});
		break;
	case 'pin':
		if (id === null)
			return;
		work = serial(function () {
			return pinDoc(id);
		});
		break;
	case 'unpin':
		if (id === null)
			return;
		work = serial(function () {
			return unpinDoc(id);
		});
		break;
	case 'clear':
		work = serial(clearLibrary);
		break;
	case 'state':
		work = loadState().then(function () {
			return tell();
		});
		break;
	default:
		return;
	}
	event.waitUntil(work.catch(function () {}));
});

/* --- pages --------------------------------------------------------------- */

/* A page saying we are offline, with the documents visited and a link to
 * what the library keeps. */
function offlinePage() {
	var kept = 0;

	return loadState().then(function (s) {
		kept = Object.keys(s.docs).length;
		return caches.open(PAGE_CACHE);
	}).then(function (cache) {
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
		    'connexion</h1><p>Cette page n\'a pas été gardée sur cet ' +
		    'appareil : elle n\'est pas disponible sans connexion. ' +
		    'Réessayez une fois le réseau revenu.</p>' +
		    (kept > 0 ? '<p><a href="/hors-ligne">Voir les ' + kept +
		    ' documents gardés hors ligne</a></p>' : '') +
		    (items !== '' ? '<h2>Pages consultées lisibles hors ' +
		    'connexion</h2><ul>' + items + '</ul>' : kept > 0 ? '' :
		    '<p>Aucun document n\'a encore été gardé pour une lecture ' +
		    'hors connexion.</p>') +
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
			if (request.mode !== 'navigate')
				return Response.error();
			/*
			 * OFFLINE SEARCH: a search the server cannot answer
			 * is answered by the standalone offline search page,
			 * kept with the library.  The address bar keeps
			 * /recherche?q=..., from which the page reads q.
			 */
			if (url.pathname === '/recherche')
				return caches.match('/static/offline-search.html')
				    .then(function (page) {
					return page !== undefined ? page :
					    offlinePage();
				});
			return offlinePage();
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
	/* OFFLINE SEARCH: the index, from the network when it answers, else
	 * the copy kept with the library. */
	if (url.pathname === '/api/offline/index') {
		event.respondWith(fetch(request).catch(function () {
			return caches.match('/api/offline/index', {
			    ignoreSearch: true }).then(function (hit) {
				return hit !== undefined ? hit :
				    Response.error();
			});
		}));
		return;
	}
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
