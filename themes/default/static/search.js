// Offline search for a dossier: reads the index from search-index.js (loaded
// before this script) and shows the paragraphs, topics and participants that
// contain every word of the query. Runs only on the search page.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!form || !input || !list || !window.DOSSIER_SEARCH) return;
  var root = form.getAttribute("data-root") || "";
  var index = window.DOSSIER_SEARCH;
  // Topics and participants as they are; each paragraph named by its source.
  var docs = index.docs.concat(index.paragraphs.map(function (p) {
    var src = index.sources[p[0]];
    return ["paragraph", src[0] + "#p" + p[1], src[1] + " \u00b6" + p[1] + ": " + src[2], p[2]];
  }));

  function fold(s) {
    return s.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'").replace(/[\u201c\u201d]/g, '"');
  }
  // Quoted phrases stay together: "Article 5" is one term.
  function terms(q) {
    var out = [], re = /"([^"]+)"|(\S+)/g, m;
    q = fold(q);
    while ((m = re.exec(q))) out.push((m[1] || m[2]).trim());
    return out.filter(function (t) { return t.length > 0; });
  }
  var folded = null;
  function search(q) {
    var ts = terms(q), whole = fold(q.replace(/"/g, "")).trim();
    if (!ts.length) return [];
    if (!folded) folded = docs.map(function (d) { return fold(d[2] + " " + d[3]); });
    var hits = [];
    for (var i = 0; i < docs.length; i++) {
      var text = folded[i], score = 0, all = true;
      for (var k = 0; k < ts.length; k++) {
        var at = text.indexOf(ts[k]);
        if (at < 0) { all = false; break; }
        score += 1;
      }
      if (!all) continue;
      if (whole && text.indexOf(whole) >= 0) score += 10;
      if (docs[i][0] !== "paragraph") score += 1;
      hits.push([score, i]);
    }
    hits.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    return hits.slice(0, 100).map(function (h) { return h[1]; });
  }
  // The text around the first match, with every term marked.
  function snippet(text, ts) {
    var f = fold(text), first = f.length;
    ts.forEach(function (t) { var i = f.indexOf(t); if (i >= 0 && i < first) first = i; });
    var start = Math.max(0, first - 80), end = Math.min(text.length, first + 160);
    // Cut at spaces, not inside words.
    if (start > 0) { var sp = text.indexOf(" ", start); if (sp >= 0 && sp < first) start = sp + 1; }
    if (end < text.length) { var ep = text.lastIndexOf(" ", end); if (ep > first) end = ep; }
    var part = text.slice(start, end), fpart = f.slice(start, end);
    var frag = document.createDocumentFragment();
    if (start > 0) frag.appendChild(document.createTextNode("… "));
    var pos = 0;
    while (pos < part.length) {
      var next = -1, len = 0;
      ts.forEach(function (t) {
        var i = fpart.indexOf(t, pos);
        if (i >= 0 && (next < 0 || i < next)) { next = i; len = t.length; }
      });
      if (next < 0) { frag.appendChild(document.createTextNode(part.slice(pos))); break; }
      frag.appendChild(document.createTextNode(part.slice(pos, next)));
      var mark = document.createElement("mark");
      mark.textContent = part.slice(next, next + len);
      frag.appendChild(mark);
      pos = next + len;
    }
    if (end < text.length) frag.appendChild(document.createTextNode(" …"));
    return frag;
  }
  function show(q) {
    while (list.firstChild) list.removeChild(list.firstChild);
    var ts = terms(q), found = search(q);
    status.textContent = ts.length ? found.length + (found.length === 100 ? "+" : "") + " result" + (found.length === 1 ? "" : "s") + " for “" + q + "”" : "";
    found.forEach(function (i) {
      var d = docs[i], li = document.createElement("li"), a = document.createElement("a");
      a.href = root + d[1];
      a.textContent = d[2];
      li.className = "result result-" + d[0];
      li.appendChild(a);
      if (d[3]) {
        var p = document.createElement("p");
        p.appendChild(snippet(d[3], ts));
        li.appendChild(p);
      }
      list.appendChild(li);
    });
  }
  var q = new URLSearchParams(window.location.search).get("q") || "";
  input.value = q;
  if (q) show(q);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var value = input.value;
    show(value);
    if (window.history && window.location.protocol !== "file:") {
      window.history.replaceState(null, "", "?q=" + encodeURIComponent(value));
    }
  });
})();
