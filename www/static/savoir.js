/*
 * savoir.js - progressive enhancement of Savoir's pages; every page works
 * without it.  Three things:
 *   - suggestions while typing in a search field ([data-suggest]), from
 *     /api/suggest, as an ARIA 1.2 combobox with a listbox popup (arrow
 *     keys, Enter, Escape, mouse);
 *   - on a document opened from a search (?q=), the searched words
 *     highlighted in its text ([data-highlight]);
 *   - the service worker that keeps pages readable offline, and the
 *     controls of the library kept offline (the home page, /hors-ligne,
 *     « Garder ce document hors ligne » on a document); the footer's
 *     offline promise is shown only once that worker is active.
 * No framework, no inline script or style (the CSP forbids both), and
 * nothing is ever inserted as HTML: text goes through textContent.  The
 * downloads themselves run in the service worker (sw.js), which tells
 * every page how far it is with messages.
 */
(function () {
	'use strict';

	var DEBOUNCE_MS = 120;
	/* How a suggested document says what it is (else "document"). */
	var TYPE_LABELS = {
		note: 'note de cours',
		article: 'article de loi',
		fiche: 'fiche juridique',
		cas: 'étude de cas',
		partenariat: 'fiche partenariat',
		glossaire: 'glossaire'
	};
	var MIN_CHARS = 2;
	var uid = 0;

	/* --- suggestions ------------------------------------------------- */

	function docUrl(id) {
		return '/doc/' + id.split('/').map(encodeURIComponent).join('/');
	}

	function Suggest(input) {
		var self = this;

		this.input = input;
		this.form = input.form;
		this.items = [];
		this.active = -1;
		this.timer = 0;
		this.controller = null;
		this.lastQuery = null;

		uid++;
		this.list = document.createElement('ul');
		this.list.id = 'suggestions-' + uid;
		this.list.className = 'suggest';
		this.list.setAttribute('role', 'listbox');
		this.list.setAttribute('aria-label', 'Suggestions');
		this.list.hidden = true;

		/* Announces how many suggestions there are to screen readers. */
		this.status = document.createElement('div');
		this.status.className = 'visually-hidden';
		this.status.setAttribute('role', 'status');
		this.status.setAttribute('aria-live', 'polite');

		input.parentNode.appendChild(this.list);
		input.parentNode.appendChild(this.status);
		input.setAttribute('role', 'combobox');
		input.setAttribute('aria-autocomplete', 'list');
		input.setAttribute('aria-expanded', 'false');
		input.setAttribute('aria-controls', this.list.id);

		input.addEventListener('input', function () {
			self.schedule();
		});
		input.addEventListener('keydown', function (e) {
			self.key(e);
		});
		input.addEventListener('blur', function () {
			/* Let a click on an option land first. */
			window.setTimeout(function () {
				self.close();
			}, 150);
		});
		/* Keep the focus in the field when an option is pressed. */
		this.list.addEventListener('mousedown', function (e) {
			e.preventDefault();
		});
		this.list.addEventListener('click', function (e) {
			var li = e.target.closest('[role="option"]');

			if (li !== null)
				self.choose(Number(li.getAttribute('data-index')));
		});
	}

	Suggest.prototype.schedule = function () {
		var self = this;

		window.clearTimeout(this.timer);
		this.timer = window.setTimeout(function () {
			self.fetch();
		}, DEBOUNCE_MS);
	};

	Suggest.prototype.fetch = function () {
		var self = this;
		var q = this.input.value;

		if (q.trim().length < MIN_CHARS) {
			this.lastQuery = null;
			this.close();
			return;
		}
		if (q === this.lastQuery)
			return;
		this.lastQuery = q;
		if (this.controller !== null)
			this.controller.abort();
		this.controller = typeof AbortController === 'function' ?
		    new AbortController() : null;
		fetch('/api/suggest?q=' + encodeURIComponent(q), {
			headers: { 'Accept': 'application/json' },
			credentials: 'same-origin',
			signal: this.controller !== null ?
			    this.controller.signal : undefined
		}).then(function (r) {
			return r.ok ? r.json() : null;
		}).then(function (data) {
			if (data === null || self.input.value !== q)
				return;
			self.show(Array.isArray(data.suggestions) ?
			    data.suggestions : []);
		}).catch(function () {
			/* Offline or aborted: no suggestions, the form still
			 * works. */
		});
	};

	Suggest.prototype.show = function (items) {
		var i, li, text, kind;

		this.items = items.filter(function (s) {
			return s && typeof s.text === 'string' && s.text !== '';
		});
		this.active = -1;
		this.input.removeAttribute('aria-activedescendant');
		while (this.list.firstChild)
			this.list.removeChild(this.list.firstChild);
		if (this.items.length === 0) {
			this.close();
			return;
		}
		for (i = 0; i < this.items.length; i++) {
			li = document.createElement('li');
			li.id = this.list.id + '-' + i;
			li.className = 'suggest__option';
			li.setAttribute('role', 'option');
			li.setAttribute('aria-selected', 'false');
			li.setAttribute('data-index', String(i));
			text = document.createElement('span');
			text.className = 'suggest__text';
			text.textContent = this.items[i].text;
			li.appendChild(text);
			if (this.items[i].kind === 'doc') {
				kind = document.createElement('span');
				kind.className = 'suggest__kind';
				kind.textContent = TYPE_LABELS[this.items[i].type] ||
				    'document';
				li.appendChild(kind);
			}
			this.list.appendChild(li);
		}
		this.list.hidden = false;
		this.input.setAttribute('aria-expanded', 'true');
		this.status.textContent = this.items.length === 1 ?
		    '1 suggestion' : this.items.length + ' suggestions';
	};

	Suggest.prototype.close = function () {
		this.list.hidden = true;
		this.active = -1;
		this.input.setAttribute('aria-expanded', 'false');
		this.input.removeAttribute('aria-activedescendant');
	};

	Suggest.prototype.isOpen = function () {
		return !this.list.hidden && this.items.length > 0;
	};

	Suggest.prototype.move = function (to) {
		var opts = this.list.children, i;

		if (this.items.length === 0)
			return;
		if (to < 0)
			to = this.items.length - 1;
		if (to >= this.items.length)
			to = 0;
		for (i = 0; i < opts.length; i++)
			opts[i].setAttribute('aria-selected',
			    i === to ? 'true' : 'false');
		this.active = to;
		this.input.setAttribute('aria-activedescendant', opts[to].id);
		if (typeof opts[to].scrollIntoView === 'function')
			opts[to].scrollIntoView({ block: 'nearest' });
	};

	Suggest.prototype.choose = function (i) {
		var s = this.items[i];

		if (s === undefined)
			return;
		this.close();
		if (s.kind === 'doc' && typeof s.id === 'string') {
			window.location.href = docUrl(s.id);
			return;
		}
		this.input.value = s.text;
		this.lastQuery = s.text;
		if (this.form !== null) {
			if (typeof this.form.requestSubmit === 'function')
				this.form.requestSubmit();
			else
				this.form.submit();
		}
	};

	Suggest.prototype.key = function (e) {
		switch (e.key) {
		case 'ArrowDown':
		case 'Down':
			e.preventDefault();
			if (!this.isOpen()) {
				this.lastQuery = null;
				this.fetch();
				return;
			}
			this.move(this.active + 1);
			break;
		case 'ArrowUp':
		case 'Up':
			if (!this.isOpen())
				return;
			e.preventDefault();
			this.move(this.active - 1);
			break;
		case 'Enter':
			if (this.isOpen() && this.active >= 0) {
				e.preventDefault();
				this.choose(this.active);
			} else
				this.close();
			break;
		case 'Escape':
		case 'Esc':
			if (this.isOpen()) {
				e.preventDefault();
				this.close();
			}
			break;
		case 'Tab':
			this.close();
			break;
		default:
			break;
		}
	};

	/* --- highlighting the searched words in a document ---------------- */

	var STOPWORDS = ('a au aux avec ce ces dans de des du elle en et il ils ' +
	    'la le les leur lui ma mais me meme mes moi mon ne nos notre nous on ' +
	    'ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu ' +
	    'un une vos votre vous c d j l m n s t y est sont or').split(' ');

	/* Lower case, no diacritics, ligatures opened: as the index folds. */
	function fold(s) {
		return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
		    .toLowerCase().replace(/\u0153/g, 'oe').replace(/\u00e6/g,
		    'ae');
	}

	/*
	 * The words worth highlighting in what was searched: no OR, no
	 * excluded -word, no key:value filter, no stopword.  A word matches
	 * the words that start like it (a crude stem, so "coopérations"
	 * lights for "coopération"); "coop*" matches what starts with coop.
	 */
	function terms(q) {
		var out = [], seen = {}, i, w, prefix, tokens;

		tokens = q.replace(/[«»"“”]/g, ' ').split(/\s+/);
		for (i = 0; i < tokens.length; i++) {
			w = tokens[i];
			if (w === '' || w === 'OR' || w.charAt(0) === '-' ||
			    /^[a-z_]+:/i.test(w))
				continue;
			prefix = /\*$/.test(w);
			w = fold(w.replace(/\*+$/, '')).replace(/^[cdjlmnst]'|^qu'/,
			    '').replace(/[^a-z0-9-]/g, '');
			if (w.length < 2 || STOPWORDS.indexOf(w) !== -1)
				continue;
			if (!prefix && w.length > 5)
				w = w.slice(0, w.length - 2);
			if (!seen[w]) {
				seen[w] = true;
				out.push(w);
			}
		}
		return out;
	}

	function wordMatches(word, list) {
		var f = fold(word), i;

		for (i = 0; i < list.length; i++)
			if (f.indexOf(list[i]) === 0)
				return true;
		return false;
	}

	function highlight(root, list) {
		var walker, node, nodes = [], count = 0, i, text, re, m, ranges,
		    frag, last, mark, j;

		walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
			acceptNode: function (n) {
				var p = n.parentNode;

				if (p === null || p.closest('mark, script, style, code, pre'))
					return NodeFilter.FILTER_REJECT;
				return /\S/.test(n.nodeValue) ?
				    NodeFilter.FILTER_ACCEPT :
				    NodeFilter.FILTER_REJECT;
			}
		});
		while ((node = walker.nextNode()) !== null)
			nodes.push(node);
		for (i = 0; i < nodes.length; i++) {
			text = nodes[i].nodeValue;
			re = /[\p{L}\p{N}][\p{L}\p{N}\p{M}-]*/gu;
			ranges = [];
			while ((m = re.exec(text)) !== null)
				if (wordMatches(m[0], list))
					ranges.push([m.index, m.index + m[0].length]);
			if (ranges.length === 0)
				continue;
			frag = document.createDocumentFragment();
			last = 0;
			for (j = 0; j < ranges.length; j++) {
				frag.appendChild(document.createTextNode(
				    text.slice(last, ranges[j][0])));
				mark = document.createElement('mark');
				mark.className = 'hl';
				mark.textContent = text.slice(ranges[j][0],
				    ranges[j][1]);
				frag.appendChild(mark);
				last = ranges[j][1];
			}
			frag.appendChild(document.createTextNode(text.slice(last)));
			nodes[i].parentNode.replaceChild(frag, nodes[i]);
			count += ranges.length;
		}
		return count;
	}

	function highlightBar(body, count) {
		var bar = document.createElement('p'), text, next, toggle, marks,
		    at = -1;

		bar.className = 'highlight-bar';
		text = document.createElement('span');
		text.textContent = count === 1 ? '1 mot surligné' :
		    count + ' mots surlignés';
		bar.appendChild(text);

		marks = body.querySelectorAll('mark.hl');
		next = document.createElement('button');
		next.type = 'button';
		next.textContent = 'Aller au suivant';
		next.addEventListener('click', function () {
			at = (at + 1) % marks.length;
			marks[at].scrollIntoView({ block: 'center' });
			marks[at].setAttribute('tabindex', '-1');
			marks[at].focus({ preventScroll: true });
		});
		bar.appendChild(next);

		toggle = document.createElement('button');
		toggle.type = 'button';
		toggle.textContent = 'Masquer le surlignage';
		toggle.setAttribute('aria-pressed', 'false');
		toggle.addEventListener('click', function () {
			var off = document.body.classList.toggle('no-highlight');

			toggle.setAttribute('aria-pressed', off ? 'true' : 'false');
			toggle.textContent = off ? 'Afficher le surlignage' :
			    'Masquer le surlignage';
		});
		bar.appendChild(toggle);
		body.parentNode.insertBefore(bar, body);
	}

	function highlightDocument() {
		var body = document.querySelector('[data-highlight]'), q, list,
		    count;

		if (body === null || typeof URLSearchParams !== 'function')
			return;
		q = new URLSearchParams(window.location.search).get('q');
		if (q === null || q.trim() === '')
			return;
		list = terms(q);
		if (list.length === 0)
			return;
		try {
			count = highlight(body, list);
		} catch (e) {
			return;		/* an old browser without \p{L} */
		}
		if (count > 0)
			highlightBar(body, count);
	}

	/* --- the library kept offline ------------------------------------ */

	var LIBRARY_CACHE = 'savoir-library';		/* as in sw.js */
	var STATE_PATH = '/hors-ligne/etat.json';	/* as in sw.js */
	var NOTICE = 'La lecture hors connexion demande un certificat ' +
	    'reconnu par le navigateur (voir le guide d\'administration)';
	var offlineWorker = null;	/* the active service worker */
	var boxes = [];			/* [data-offline-library] */
	var pins = [];			/* [data-offline-pin] */
	var details = null;		/* [data-offline-details] */

	function make(tag, cls, text) {
		var e = document.createElement(tag);

		if (cls)
			e.className = cls;
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	function clear(e) {
		while (e.firstChild)
			e.removeChild(e.firstChild);
	}

	/* As url.c writes a document's address. */
	function docPath(id) {
		return '/doc/' + id.split('/').map(function (part) {
			return encodeURIComponent(part).replace(/[!'()*]/g,
			    function (c) {
				return '%' + c.charCodeAt(0).toString(16)
				    .toUpperCase();
			});
		}).join('/');
	}

	function documents(n) {
		return n === 1 ? '1 document' : n + ' documents';
	}

	function size(bytes) {
		if (bytes < 1024 * 1024)
			return Math.max(1, Math.round(bytes / 1024)) + ' ko';
		return (bytes / 1048576).toLocaleString('fr-FR',
		    { maximumFractionDigits: 1 }) + ' Mo';
	}

	function when(ms) {
		var d = new Date(ms);

		return d.toLocaleDateString('fr-FR', { day: 'numeric',
		    month: 'long', year: 'numeric' }) + ' à ' +
		    d.toLocaleTimeString('fr-FR', { hour: '2-digit',
		    minute: '2-digit' });
	}

	/* The worker in control if any: a newer one may have replaced the
	 * one this page first saw. */
	function tellWorker(msg) {
		var w = navigator.serviceWorker.controller || offlineWorker;

		if (w !== null)
			w.postMessage(msg);
	}

	/* The worker's state as it saved it; null if nothing is kept.  Read
	 * here rather than asked for, so that /hors-ligne lists the library
	 * even when the worker is slow to wake. */
	function readLibrary() {
		if (typeof caches === 'undefined')
			return Promise.resolve(null);
		return caches.match(STATE_PATH, { cacheName: LIBRARY_CACHE })
		    .then(function (r) {
			return r !== undefined ? r.json() : null;
		}).catch(function () {
			return null;
		});
	}

	var SAY_EVERY = 2000;		/* ms between spoken progress */

	/* « Garder toute la bibliothèque hors ligne », with its progress. */
	function Box(root) {
		var self = this;

		this.said = 0;
		clear(root);
		this.status = make('p', 'offline-box__status');
		this.status.setAttribute('role', 'status');
		this.status.setAttribute('aria-live', 'polite');
		this.bar = make('progress', 'offline-box__progress');
		this.bar.setAttribute('aria-label', 'Progression du ' +
		    'téléchargement');
		this.bar.hidden = true;
		this.button = make('button', 'offline-box__button',
		    'Garder toute la bibliothèque hors ligne');
		this.button.type = 'button';
		this.button.addEventListener('click', function () {
			self.button.disabled = true;
			self.status.textContent = 'Préparation du ' +
			    'téléchargement…';
			tellWorker({ type: 'keep' });
		});
		root.appendChild(this.status);
		root.appendChild(this.bar);
		root.appendChild(this.button);
		if (root.hasAttribute('data-offline-link')) {
			this.link = make('a', 'offline-box__link',
			    'Voir ce qui est gardé hors ligne');
			this.link.href = '/hors-ligne';
			root.appendChild(this.link);
		}
	}

	Box.prototype.show = function (s) {
		var known = s.count + (s.missing || 0), text;

		this.bar.hidden = !s.busy;
		this.button.disabled = s.busy;
		if (s.busy) {
			this.bar.max = Math.max(1, s.total);
			this.bar.value = s.done;
			/* The bar moves at each document; the words, which a
			 * screen reader announces, every few seconds. */
			if (s.done === 0 || s.done === s.total ||
			    Date.now() - this.said > SAY_EVERY) {
				this.said = Date.now();
				this.status.textContent = 'Téléchargement : ' +
				    s.done + ' / ' + documents(s.total);
			}
			return;
		}
		if (s.whole) {
			text = (known > s.count ? 'Une partie de la ' +
			    'bibliothèque est gardée hors ligne : ' : 'Toute ' +
			    'la bibliothèque est gardée hors ligne : ') +
			    s.count + ' / ' + documents(known) + ', ' +
			    size(s.size);
			if (s.updated > 0)
				text += ', mise à jour le ' + when(s.updated);
			if (s.failed > 0)
				text += ' ; ' + documents(s.failed) + ' à ' +
				    'reprendre à la prochaine visite';
			this.button.textContent = 'Mettre à jour maintenant';
		} else {
			text = s.count > 0 ? documents(s.count) +
			    (s.count === 1 ? ' gardé' : ' gardés') +
			    ' un par un sur cet appareil.' : 'Gardez toute la ' +
			    'bibliothèque dans ce navigateur pour la lire ' +
			    'sans connexion.';
			this.button.textContent = 'Garder toute la ' +
			    'bibliothèque hors ligne';
		}
		if (s.event === 'offline')
			text += ' (serveur injoignable : mise à jour à la ' +
			    'prochaine visite)';
		if (s.event === 'full')
			text += ' (plus assez de place dans ce navigateur : ' +
			    'libérez de l\'espace, puis « Mettre à jour ' +
			    'maintenant »)';
		this.status.textContent = text + (/[.)]$/.test(text) ? '' :
		    '.');
	};

	/* « Garder ce document hors ligne » / « Retirer » on a document. */
	function Pin(root) {
		var self = this;

		this.id = root.getAttribute('data-offline-pin');
		clear(root);
		this.status = make('span', 'offline-pin__status');
		this.status.setAttribute('role', 'status');
		this.button = make('button', 'offline-pin__button');
		this.button.type = 'button';
		this.button.hidden = true;
		this.button.addEventListener('click', function () {
			self.button.disabled = true;
			tellWorker({ type: self.kept ? 'unpin' : 'pin',
			    id: self.id });
		});
		root.appendChild(this.status);
		root.appendChild(this.button);
	}

	Pin.prototype.show = function (state, event) {
		var d = state !== null ? state.docs[this.id] : undefined;

		this.kept = d !== undefined;
		this.button.disabled = false;
		if (d !== undefined && state.whole && !d.pinned) {
			this.status.textContent = 'Gardé hors ligne avec toute ' +
			    'la bibliothèque.';
			this.button.hidden = true;
			return;
		}
		this.button.hidden = false;
		if (d !== undefined) {
			this.status.textContent = 'Ce document est gardé hors ' +
			    'ligne.';
			this.button.textContent = 'Retirer';
			this.button.setAttribute('aria-label', 'Retirer ce ' +
			    'document de la lecture hors ligne');
		} else {
			this.status.textContent = event === 'pin-failed' ?
			    'Le document n\'a pas pu être gardé (serveur ' +
			    'injoignable).' : '';
			this.button.textContent = 'Garder ce document hors ligne';
			this.button.removeAttribute('aria-label');
		}
	};

	/* /hors-ligne: what is kept, and a way to remove it all. */
	function showDetails(state) {
		var ids, list, total = 0, h, p, ul, button, i, li, a, d;

		clear(details);
		h = make('h2', 'offline-details__title', 'Ce qui est gardé ' +
		    'sur cet appareil');
		details.appendChild(h);
		ids = state !== null ? Object.keys(state.docs) : [];
		if (ids.length === 0) {
			details.appendChild(make('p', 'offline-details__empty',
			    'Aucun document n\'est gardé sur cet appareil.'));
			return;
		}
		for (i = 0; i < ids.length; i++)
			total += state.docs[ids[i]].size || 0;
		total += state.files || 0;
		p = make('p', 'offline-details__summary', documents(ids.length) +
		    ', ' + size(total) + (state.updated > 0 ? ', dernière mise ' +
		    'à jour le ' + when(state.updated) : '') + '.');
		details.appendChild(p);
		list = ids.map(function (id) {
			return { id: id, d: state.docs[id] };
		});
		list.sort(function (x, y) {
			return (x.d.title || x.id).localeCompare(y.d.title || y.id,
			    'fr');
		});
		ul = make('ul', 'offline-details__list');
		for (i = 0; i < list.length; i++) {
			d = list[i];
			li = make('li');
			a = make('a', null, d.d.title || d.id);
			a.href = docPath(d.id);
			li.appendChild(a);
			if (d.d.pinned && state.whole)
				li.appendChild(document.createTextNode(
				    ' (gardé aussi seul)'));
			ul.appendChild(li);
		}
		details.appendChild(ul);
		button = make('button', 'offline-details__clear',
		    'Tout retirer de cet appareil');
		button.type = 'button';
		button.addEventListener('click', function () {
			button.disabled = true;
			tellWorker({ type: 'clear' });
		});
		details.appendChild(button);
	}

	/* Redraw what depends on the saved state (not at every document
	 * downloaded: the worker saves its state every few). */
	function refresh(event) {
		if (pins.length === 0 && details === null)
			return;
		readLibrary().then(function (state) {
			var i;

			for (i = 0; i < pins.length; i++)
				pins[i].show(state, event);
			if (details !== null)
				showDetails(state);
		});
	}

	function onWorkerMessage(e) {
		var s = e.data, i;

		if (s === null || typeof s !== 'object' || s.type !== 'library')
			return;
		for (i = 0; i < boxes.length; i++)
			boxes[i].show(s);
		if (!s.busy || s.event !== undefined)
			refresh(s.event);
	}

	/* The worker is active: keep the promise, draw the controls, and
	 * bring what is kept up to date. */
	function offlineReady(reg) {
		var promise = document.querySelectorAll('[data-offline-promise]'),
		    nodes, i;

		if (offlineWorker !== null || reg.active === null)
			return;
		offlineWorker = reg.active;
		for (i = 0; i < promise.length; i++)
			promise[i].hidden = false;
		nodes = document.querySelectorAll('[data-offline-library]');
		for (i = 0; i < nodes.length; i++)
			boxes.push(new Box(nodes[i]));
		nodes = document.querySelectorAll('[data-offline-pin]');
		for (i = 0; i < nodes.length; i++)
			pins.push(new Pin(nodes[i]));
		details = document.querySelector('[data-offline-details]');
		navigator.serviceWorker.addEventListener('message',
		    onWorkerMessage);
		navigator.serviceWorker.startMessages();
		refresh();
		/* Asked on /hors-ligne; elsewhere the worker checks at most
		 * every half minute. */
		tellWorker({ type: 'sync', force: details !== null });
		tellWorker({ type: 'state' });
	}

	/* No service worker: a discreet word where the controls would be
	 * (once a page: /hors-ligne's list stays empty). */
	function offlineUnavailable() {
		var nodes = document.querySelectorAll('[data-offline-library]'),
		    i;

		for (i = 0; i < nodes.length; i++) {
			clear(nodes[i]);
			nodes[i].appendChild(make('p', 'offline-notice', NOTICE));
		}
	}

	var REFUSED = 'savoir-sw-refused';

	function refusedBefore() {
		try {
			return window.sessionStorage.getItem(REFUSED) === '1';
		} catch (e) {
			return false;
		}
	}

	function startOffline() {
		var sw;

		if (!('serviceWorker' in navigator)) {
			offlineUnavailable();
			return;
		}
		/* Not a secure context, the generated certificate (said by
		 * the server), or a refusal this session already saw: the
		 * browser would refuse again, with an error in its console. */
		if (!window.isSecureContext || document.documentElement
		    .getAttribute('data-certificate') === 'self-signed' ||
		    refusedBefore()) {
			offlineUnavailable();
			return;
		}
		sw = navigator.serviceWorker;
		sw.ready.then(offlineReady);
		sw.register('/sw.js', { scope: '/' }).catch(function (e) {
			/* Handled: an untrusted certificate is said once, on
			 * the page, not as an error in the console.  A worker
			 * already in control (offline, its update failed)
			 * keeps working. */
			if (sw.controller === null && e && e.name ===
			    'SecurityError') {
				try {
					window.sessionStorage.setItem(REFUSED,
					    '1');
				} catch (ignored) {
					/* storage off: asked again next page */
				}
				offlineUnavailable();
			}
		});
	}

	/* --- start ------------------------------------------------------- */

	function start() {
		var inputs = document.querySelectorAll('input[data-suggest]'), i;

		if (typeof fetch === 'function' && Element.prototype.closest)
			for (i = 0; i < inputs.length; i++)
				new Suggest(inputs[i]);
		highlightDocument();
		startOffline();
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
