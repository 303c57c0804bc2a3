"""outline.py BASE DB SRCDIR: the outline of every document page of the
shipped library, read from the real savoird at BASE.  Each page has one h1,
no heading level skipped, and every section heading of the source file
(Markdown "#" lines, "## " lines of the legal texts) is a heading on the
page, but for a leading "# " (the title as written: the page's h1 is the
front matter's title) and a Sources section the front matter repeats (the
page shows those once, in its footer).  Prints TAP-friendly lines: "doc|problem" for
each problem, then "checked N pages, M source headings"."""
import html.parser, os, re, sqlite3, sys, unicodedata, urllib.parse, urllib.request

base, db, srcdir = sys.argv[1:4]


class Passages(html.parser.HTMLParser):
    """The texts of the "Passages correspondants" list."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items, self.depth, self.cur = [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag == "section" and ("class", "passages") in attrs:
            self.depth = 1
        elif self.depth and tag == "li":
            self.cur = ""

    def handle_endtag(self, tag):
        if self.depth and tag == "li" and self.cur is not None:
            self.items.append(norm(self.cur))
            self.cur = None
        elif self.depth and tag == "section":
            self.depth = 0

    def handle_data(self, data):
        if self.cur is not None:
            self.cur += data


class Links(html.parser.HTMLParser):
    """The texts of the links to other sites (a long address is shown as
    its host, the whole of it in the link's title)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.cur = [], None

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith(("http://", "https://")):
            self.cur = ["", href]

    def handle_endtag(self, tag):
        if tag == "a" and self.cur is not None:
            self.texts.append((norm(self.cur[0]), self.cur[1]))
            self.cur = None

    def handle_data(self, data):
        if self.cur is not None:
            self.cur[0] += data


class Outline(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.heads, self.cur, self.main = [], None, 0

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.main += 1
        if re.fullmatch(r"h[1-6]", tag):
            self.cur = [int(tag[1]), ""]

    def handle_endtag(self, tag):
        if tag == "main":
            self.main -= 1
        if self.cur is not None and re.fullmatch(r"h[1-6]", tag):
            self.heads.append((self.cur[0], norm(self.cur[1])))
            self.cur = None

    def handle_data(self, data):
        if self.cur is not None:
            self.cur[1] += data


def norm(s):
    return " ".join(unicodedata.normalize("NFC", s).split())


def md_inline(s):
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"[*_`]", "", s)
    return norm(s)


def front_matter(text):
    m = re.match(r"---\r?\n(.*?)\r?\n---\r?\n", text, re.S)
    if not m:
        return {}, text
    fm = m.group(1)
    info = {"sources": bool(re.search(r"^sources:\s*(\[.+\]|\S.*|\n\s+-)", fm, re.M)),
            "title": None}
    t = re.search(r"^title:\s*\"?(.*?)\"?\s*$", fm, re.M)
    if t:
        info["title"] = norm(t.group(1))
    return info, text[m.end():]


def md_headings(path):
    info, body = front_matter(open(path, encoding="utf-8").read())
    out, fence, first = [], None, True
    for line in body.split("\n"):
        f = re.match(r"^\s{0,3}(`{3,}|~{3,})", line)
        if f:
            fence = None if fence and f.group(1)[0] == fence else (fence or f.group(1)[0])
            continue
        if fence:
            continue
        m = re.match(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m:
            level, text = len(m.group(1)), md_inline(m.group(2))
            # A leading "# …" is the title as written: the page's one h1
            # is the front matter's title instead.
            if first and level == 1:
                first = False
                continue
            first = False
            out.append((level, text))
        elif line.strip():
            first = False
    return drop_sources(out, info)


def drop_sources(heads, info):
    if not info.get("sources"):
        return heads
    out, skip = [], None
    for level, text in heads:
        if skip is not None and level > skip:
            continue
        skip = None
        if text == "Sources" and level in (2, 3):
            skip = level
            continue
        out.append((level, text))
    return out


def txt_headings(path):
    info, body = front_matter(open(path, encoding="utf-8").read())
    court = re.search(r"^court:\s*\"?([^\"\n]+)", open(path, encoding="utf-8").read(), re.M)
    arts, cur = {}, None
    for line in body.split("\n"):
        a = re.match(r"^Article (\S+)\s*$", line)
        if a:
            cur = "%s/%s" % (court.group(1).strip().lower(), a.group(1))
            arts[cur] = []
            continue
        m = re.match(r"^(#{2,3}) +(\S.*?)\s*$", line)
        if m and cur:
            arts[cur].append((len(m.group(1)), norm(m.group(2))))
    return {k: drop_sources(v, info) for k, v in arts.items()}


con = sqlite3.connect(db)
rows = con.execute("SELECT d.id, s.root || '/' || s.path FROM docs d JOIN sources s ON s.id = d.source ORDER BY d.id").fetchall()
pages = nheads = npass = nlinks = 0
txt_cache = {}
for doc, path in rows:
    url = base + "/doc/" + urllib.parse.quote(doc, safe="/")
    with urllib.request.urlopen(url, timeout=10) as r:
        page = r.read().decode("utf-8")
    p = Outline()
    p.feed(page)
    pages += 1
    levels = [lv for lv, _ in p.heads]
    if levels.count(1) != 1:
        print("%s|%d h1 on the page" % (doc, levels.count(1)))
    if levels and levels[0] != 1:
        print("%s|the first heading is h%d" % (doc, levels[0]))
    for a, b in zip(levels, levels[1:]):
        if b > a + 1:
            print("%s|h%d follows h%d (a level skipped)" % (doc, b, a))
            break
    full = os.path.join(srcdir, path) if not os.path.isabs(path) else path
    if not os.path.exists(full):
        full = path
    want = []
    if path.endswith((".md", ".markdown")):
        want = md_headings(full)
    elif path.endswith(".txt"):
        if full not in txt_cache:
            txt_cache[full] = txt_headings(full)
        want = txt_cache[full].get(doc, [])
    if [t for _, t in p.heads].count("Sources") > 1:
        print("%s|two Sources blocks" % doc)
    ln = Links()
    ln.feed(page)
    nlinks += len(ln.texts)
    for text, href in ln.texts:
        if len(text) > 60 and "://" in text:
            print("%s|a long web address shown whole: %s" % (doc, text[:80]))
    page_heads = set(t for _, t in p.heads)
    for level, text in want:
        nheads += 1
        if text not in page_heads:
            print("%s|source heading not a heading on the page: %s" % (doc, text))
    # Passages for a word of the title: sentences of prose, never a
    # source line or a bare address.
    words = sorted(re.findall(r"\w{6,}", doc.split("/")[-1].replace("-", " ")), key=len)
    if words:
        with urllib.request.urlopen(url + "?q=" + urllib.parse.quote(words[-1]), timeout=10) as r:
            pp = Passages()
            pp.feed(r.read().decode("utf-8"))
        npass += len(pp.items)
        for item in pp.items:
            if "://" in item or "www." in item:
                print("%s|a passage holds a web address: %s" % (doc, item[:120]))
print("checked %d pages, %d source headings, %d passages, %d outside links" % (pages, nheads, npass, nlinks))
