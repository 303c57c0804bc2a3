/*
 * savoir.js - progressive enhancement of Savoir's pages; every page works
 * without it.  Three things:
 *   - suggestions while typing in a search field ([data-suggest]), from
 *     /api/suggest, as an ARIA 1.2 combobox with a listbox popup (arrow
 *     keys, Enter, Escape, mouse);
 *   - on a document opened from a search (?q=), the searched words
 *     highlighted in its text ([data-highlight]);
 *   - the service worker that keeps visited pages readable offline.
 * No framework, no inline script or style (the CSP forbids both), and
 * nothing is ever inserted as HTML: text goes through textContent.
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

	/* --- start ------------------------------------------------------- */

	function start() {
		var inputs = document.querySelectorAll('input[data-suggest]'), i;

		if (typeof fetch === 'function' && Element.prototype.closest)
			for (i = 0; i < inputs.length; i++)
				new Suggest(inputs[i]);
		highlightDocument();
		if ('serviceWorker' in navigator && window.isSecureContext)
			navigator.serviceWorker.register('/sw.js', { scope: '/' })
			    .catch(function () {
				/* No offline copy; everything else works. */
			});
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
