/* ChainAtlas 链图 web explorer: plain JS, no build step, no request leaves this server.
   Every piece of data is put in the page with textContent (never innerHTML). */
(function () {
  "use strict";

  var KIND_ZH = { chain: "产业链", segment: "环节", enterprise: "企业", platform: "平台",
    park: "园区", cluster: "产业集群", district: "区县", agency: "机构", person: "人物",
    project: "项目", policy: "政策", metric: "指标", document: "文献" };
  var STATUS = { gap: "缺链 gap", missing: "缺链 gap", weak: "弱链 weak", covered: "已有 covered",
    unknown: "未掌握 no data", partial: "部分掌握 partly known", broken: "断链 broken" };
  var BASIS = { stated: "文件明示 stated", inferred: "推断 inferred", reference: "参考 reference",
    rule: "规则 rule", registry: "登记 registry" };
  var TIER_ZH = { flagship: "标志性 flagship", key: "重点 key", district: "区县链群 district" };
  function basisTag(basis, note) {
    if (!basis || basis === "stated") { return null; }
    return el("span", { className: "basis " + basis, title: note || "", text: BASIS[basis] || basis });
  }
  function statusCell(status, tag) {
    return el(tag || "td", { className: "status " + status, text: STATUS[status] || status });
  }
  function gapCounts(s, overall) {
    return el("p", { className: "gapline" }, [
      el("span", { className: "status gap", text: "缺链 " + (s.gap || 0) }),
      el("span", { className: "status weak", text: "弱链 " + (s.weak || 0) }),
      el("span", { className: "status covered", text: "已有 " + (s.covered || 0) }),
      el("span", { className: "status unknown", text: "未掌握 " + (s.unknown || 0) }),
      overall ? el("span", { className: "status " + overall, text: "总体 " + (STATUS[overall] || overall) }) : ""]);
  }
  var STAGE = { upstream: "上游", midstream: "中游", downstream: "下游", support: "配套" };
  var main = document.getElementById("main");

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { e.textContent = attrs[k]; }
      else if (k === "className") { e.className = attrs[k]; }
      else if (attrs[k] !== null && attrs[k] !== undefined) { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }
  function enc(s) { return encodeURIComponent(s); }
  /* 产业链 added unless the name already says it (no "…产业链群产业链") */
  function chainName(n) { return /(产业链群|产业链|链群|产业集群|产业)$/.test(n) ? n : n + "产业链"; }

  function api(path) {
    return fetch(path, { headers: { Accept: "application/json" } }).then(function (r) {
      if (r.ok) { return r.json(); }
      return r.json().catch(function () { return {}; }).then(function (p) {
        var err = new Error((p.title || ("HTTP " + r.status)) + (p.detail ? ": " + p.detail : ""));
        err.status = r.status; err.problem = p;
        throw err;
      });
    });
  }
  function items(data) { return (data && data.items) || []; }
  var PLAIN = { 400: "请求有误 Bad request", 404: "没有找到 Not found",
    422: "参数有误 Invalid parameter", 503: "图谱服务暂不可用，请稍后再试 The graph store is unavailable, try again shortly",
    504: "查询超时，请缩小范围 The query timed out: narrow it down" };
  function showError(where, err) {
    var text = PLAIN[err.status] || ("出错了 Something went wrong (" + (err.status || "network") + ")");
    where.appendChild(el("p", { className: "error", role: "alert", text: text }));
    suggest(where, err);
  }
  function suggest(where, err) {
    var sugg = err.problem && err.problem.suggestions;
    if (sugg && sugg.length) {
      var p = el("p", { className: "suggestions", text: "您是不是要找 Did you mean: " });
      sugg.forEach(function (s) { p.appendChild(link(s)); p.appendChild(document.createTextNode(" ")); });
      where.appendChild(p);
    }
  }
  /* One plain message for a name that matches nothing, with suggestions and a search link. */
  function notFound(where, what, name, err) {
    where.appendChild(el("h1", { text: name }));
    where.appendChild(el("p", { className: "error", role: "alert",
      text: "没有找到名为“" + name + "”的" + what.zh + "。 No " + what.en + " named “" + name + "”." }));
    suggest(where, err);
    var p = el("p", { className: "searchhint", text: "可以在上方搜索框中按名称、别名或拼音查找 Search by name, alias or pinyin: " });
    var a = el("a", { href: "#", text: "搜索“" + name + "” Search" });
    a.addEventListener("click", function (ev) { ev.preventDefault(); q.value = name; q.focus(); search(name); });
    p.appendChild(a);
    where.appendChild(p);
  }
  function href(node) {
    var kind = node.kind || "node";
    if (kind === "chain") { return "#/chain/" + enc(node.id); }
    if (kind === "enterprise") { return "#/enterprise/" + enc(node.id); }
    if (kind === "district") { return "#/district/" + enc(node.id); }
    return "#/node/" + enc(node.id);
  }
  function link(node) {
    return el("a", { href: href(node), text: node.name || node.id,
      title: node.name_en || node.id });
  }
  function downloads(list) {
    return el("div", { className: "downloads", role: "group", "aria-label": "下载 Downloads" },
      list.map(function (d) {
        return el("a", { href: d[1], download: d[1].charAt(0) === "#" ? null : "",
          className: d[2] || null, text: d[0] });
      }));
  }
  function drawing(payload) {
    var box = el("div", { className: "view" });
    var g = el("div", { className: "graph", role: "img", "aria-label": payload.title });
    var legend = el("div", { className: "legend" });
    box.appendChild(g); box.appendChild(legend);
    setTimeout(function () { ChainAtlasGraph.render(g, legend, payload); }, 0);
    return box;
  }
  function clear(title) {
    main.textContent = "";
    document.title = (title ? title + " · " : "") + "链图 ChainAtlas";
    window.scrollTo(0, 0);
  }

  /* ---------------------------------------------------------------- search */
  var q = document.getElementById("q");
  var list = document.getElementById("suggest");
  var timer = null, active = -1, current = [], seq = 0;

  function search(text) {
    var mine = ++seq;
    return api("/search?q=" + enc(text) + "&limit=10").then(function (data) {
      if (mine !== seq) { return; }
      current = items(data).slice(0, 10);
      renderSuggest();
    }).catch(function () { current = []; renderSuggest(); });
  }
  function onlyFuzzy() {
    return current.length > 0 && current.every(function (n) { return n.match === "fuzzy"; });
  }
  function renderSuggest() {
    list.textContent = ""; active = -1;
    if (!current.length) {
      list.appendChild(el("li", { className: "muted", text: "无结果 no match" }));
    } else if (onlyFuzzy()) {
      /* spelling-alike names only: say so, and Enter does not jump to one of them */
      list.appendChild(el("li", { className: "muted", id: "sg-fuzzy",
        text: "没有匹配的名称，以下为拼写相近的结果 No match — names spelt alike:" }));
    }
    current.forEach(function (n, i) {
      var li = el("li", { role: "option", id: "sg-" + i, "data-id": n.id }, [
        el("span", { className: "kind", text: KIND_ZH[n.kind] || n.kind }),
        el("span", { text: n.name }),
        n.name_en ? el("small", { text: n.name_en }) : null,
        n.match === "fuzzy" ? el("small", { className: "muted", text: "相近 similar" }) : null]);
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); go(n); });
      list.appendChild(li);
    });
    list.hidden = false;
  }
  function go(n) {
    list.hidden = true; q.value = n.name;
    location.hash = href(n);
  }
  q.addEventListener("input", function () {
    clearTimeout(timer);
    var text = q.value.trim();
    if (!text) { list.hidden = true; return; }
    timer = setTimeout(function () { search(text); }, 120);
  });
  q.addEventListener("keydown", function (ev) {
    var lis = list.querySelectorAll("li[role=option]");
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (!lis.length) { return; }
      active = (active + (ev.key === "ArrowDown" ? 1 : lis.length - 1)) % lis.length;
      lis.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
    } else if (ev.key === "Enter") {
      if (active >= 0) { go(current[active]); }
      else if (current.length && !onlyFuzzy()) { go(current[0]); }
    } else if (ev.key === "Escape") { list.hidden = true; }
  });
  q.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 150); });

  /* ---------------------------------------------------------------- chain list */
  var chainsCache = null;
  function loadChains() {
    if (chainsCache) { return Promise.resolve(chainsCache); }
    return api("/chains").then(function (d) {
      var all = items(d).map(function (c) {
        var parent = c.parent && typeof c.parent === "object" ? c.parent.id : c.parent;
        return { id: c.id, name: c.name, name_en: c.name_en, tier: c.tier, parent: parent, derived: !!c.derived,
          kind: "chain" };
      });
      chainsCache = all;
      return all;
    });
  }
  function renderChainList(all) {
    var ul = document.getElementById("chain-list");
    ul.textContent = "";
    var flagships = all.filter(function (c) { return c.tier === "flagship"; });
    var others = all.filter(function (c) { return c.tier !== "flagship" && !c.parent; });
    flagships.forEach(function (f) {
      var kids = all.filter(function (c) { return c.parent === f.id; });
      var li = el("li", {}, [link(f)]);
      if (kids.length) {
        li.appendChild(el("ul", {}, kids.map(function (k) { return el("li", {}, [link(k)]); })));
      }
      ul.appendChild(li);
    });
    if (others.length) {
      ul.appendChild(el("li", { className: "muted", text: "区县链群 district chains" }));
      others.forEach(function (c) { ul.appendChild(el("li", {}, [link(c)])); });
    }
    markCurrent();
  }
  function markCurrent() {
    document.querySelectorAll("#chain-list a").forEach(function (a) {
      a.classList.toggle("current", a.getAttribute("href") === location.hash);
    });
  }

  /* ---------------------------------------------------------------- pages */
  function home() {
    clear();
    main.appendChild(el("h1", { text: "济南“13+34”产业链知识图谱" }));
    main.appendChild(el("p", { className: "sub", text: "Jinan's 13 flagship and 34 key " +
      "industrial chains: find gaps (缺链/弱链), related enterprises, and export chain maps for briefings." }));
    var keynote = el("p", { className: "sub", id: "key-chains-note" });
    main.appendChild(keynote);
    main.appendChild(el("h2", { text: "标志性产业链 Flagship chains" }));
    main.appendChild(el("p", { className: "sub", text: "状态：缺链 = 文件称缺失；弱链 = 文件称薄弱；" +
      "已有 = 文件称已有或图谱收录本地企业；未掌握 = 图谱暂无证据（不等于缺链）。" +
      " Status: gap / weak (a document says so), covered, no data (not a gap)." }));
    var cards = el("div", { className: "cards" });
    main.appendChild(cards);
    loadChains().then(function (all) {
      if (!all.length) {
        /* an empty store (e.g. the seeds were not loaded because the source documents were not
           found at start): say so and what to do, instead of an empty page */
        main.insertBefore(el("div", { className: "error", id: "empty-note", role: "alert" }, [
          el("p", { text: "图谱为空：尚未载入任何数据。服务启动时若找不到源文件（用于核对引文），" +
            "不会载入种子数据。请设置 CHAINATLAS_SOURCES_DIR 指向源文件目录后重启，" +
            "或运行 chainatlas load。" }),
          el("p", { text: "The graph is empty: nothing has been loaded. The seeds are not loaded " +
            "at start when the source documents (for the quote check) are not found. Set " +
            "CHAINATLAS_SOURCES_DIR to their directory and restart, or run chainatlas load." })]),
          keynote);
      }
      var keys = all.filter(function (c) { return c.tier === "key"; });
      var derived = keys.filter(function (c) { return c.derived; }).length;
      keynote.textContent = "已编码重点产业链 " + keys.length + " 条（官方为 34 条）" +
        (derived ? "，其中 " + derived + " 条据文件推导，官方名单公布后替换 seeds/key_chains.yaml" : "") +
        " · " + keys.length + " key chains encoded" + (derived ? ", " + derived +
        " derived from the documents until the official list of 34 replaces seeds/key_chains.yaml" : "");
      all.filter(function (c) { return c.tier === "flagship"; }).forEach(function (c) {
        var n = all.filter(function (k) { return k.parent === c.id; }).length;
        cards.appendChild(el("div", { className: "card", id: "card-" + c.id }, [
          el("h3", {}, [link(c)]), el("small", { text: (c.name_en || "") +
            (n ? " · " + n + " 条重点产业链 key chains" : "") })]));
      });
      return api("/gaps");
    }).then(function (gaps) {
      /* how many gap / weak / unknown segments each chain has, and what the graph covers */
      items(gaps).forEach(function (g) {
        var card = document.getElementById("card-" + g.chain.id);
        if (!card) { return; }
        card.appendChild(gapCounts(g.summary || {}, g.overall));
        if (g.coverage) { card.appendChild(el("small", { className: "coverage", text: g.coverage.note })); }
      });
    }).catch(function (e) { showError(main, e); });
    main.appendChild(el("h2", { text: "区县与功能区 Districts and zones" }));
    var dcards = el("div", { className: "cards", id: "districts" });
    main.appendChild(dcards);
    api("/districts").then(function (ds) {
      items(ds).filter(function (d) { return d.level !== "province"; }).forEach(function (d) {
        dcards.appendChild(el("div", { className: "card" }, [
          el("h3", {}, [link(Object.assign({ kind: "district" }, d))]),
          el("small", { text: (d.name_en || "") })]));
      });
    }).catch(function (e) { showError(dcards, e); });
  }

  function chainPage(id) {
    clear();
    var head = el("div");
    main.appendChild(head);
    api("/viz/chains/" + enc(id) + "/map.json").then(function (data) {
      var c = data.chain;
      clear(c.name);
      main.appendChild(el("h1", { text: chainName(c.name) + " " }, [el("small", { text: c.name_en || "" })]));
      var sub = el("p", { className: "sub" }, [data.drawing.subtitle]);
      if (c.parent) { sub.appendChild(el("span", { text: " · 所属 parent: " })); sub.appendChild(link(Object.assign({ kind: "chain" }, c.parent))); }
      main.appendChild(sub);
      var base = "/viz/chains/" + enc(c.id) + "/map";
      main.appendChild(downloads([
        ["下载简报包 Briefing pack (.zip)", "/briefs/" + enc(c.id) + ".zip", "primary"],
        ["图片 PNG", base + ".png?download=true"], ["矢量图 SVG", base + ".svg?download=true"],
        ["离线网页 HTML", base + ".html?download=true"],
        ["关系网络 Neighbourhood", "#/node/" + enc(c.id)]]));
      if (c.segments.length) { main.appendChild(drawing(data.drawing)); }
      var overview = el("div", { id: "overview" });
      main.appendChild(overview);
      api("/chains/" + enc(c.id)).then(function (ov) { chainOverview(overview, ov); })
        .catch(function (e) { showError(overview, e); });
      if (c.subchains && c.subchains.length) {
        var p = el("p", { text: "重点产业链 Key chains: " });
        c.subchains.forEach(function (k) { p.appendChild(link(Object.assign({ kind: "chain" }, k))); p.appendChild(document.createTextNode("  ")); });
        main.appendChild(p);
      }
      if (!c.segments.length) {
        /* a key chain with no segments of its own: what it is and where its segments are */
        var note = el("div", { className: "note", id: "no-segments" });
        note.appendChild(el("p", { text: c.parent
          ? "“" + c.name + "”是标志性产业链“" + c.parent.name + "”下的重点产业链，暂未划分自己的环节；缺链弱链分析见其所属产业链。 " +
            "A key chain of " + (c.parent.name_en || c.parent.name) + " with no segments of its own: its gaps are analysed on the parent chain."
          : "“" + c.name + "”暂未划分环节。 No segments yet." }));
        if (c.parent) {
          note.appendChild(el("p", {}, [el("a", { href: "#/chain/" + enc(c.parent.id), className: "primary",
            text: "查看“" + c.parent.name + "”的环节与缺链 See the segments and gaps of " + (c.parent.name_en || c.parent.name) })]));
        }
        main.appendChild(note);
        if (c.parent) {
          /* its own status, as the parent chain's key-chain table gives it */
          var ks = el("p", { id: "key-status" });
          note.insertBefore(ks, note.firstChild);
          api("/chains/" + enc(c.parent.id) + "/gaps").then(function (g) {
            (g.key_chains || []).filter(function (k) { return k.id === c.id; }).forEach(function (k) {
              ks.appendChild(el("b", { text: "状态 Status：" }));
              ks.appendChild(statusCell(k.status, "span"));
              ks.appendChild(document.createTextNode(" " + (k.explanation || "") + " "));
              if (k.derived) { ks.appendChild(el("span", { className: "basis derived", text: "推导 derived" })); }
              ks.appendChild(el("br"));
              ks.appendChild(el("small", { text: k.explanation_en || "" }));
            });
          }).catch(function (e) { showError(ks, e); });
        }
        keyActors(c);
        markCurrent();
        return;
      }
      main.appendChild(el("h2", { text: "缺链弱链分析 Gaps" }));
      main.appendChild(gapCounts(statusSummary(c.segments), c.overall));
      if (c.coverage && c.coverage.note) {
        main.appendChild(el("p", { className: "coverage", id: "coverage" }, [el("b", { text: "覆盖 Coverage：" }),
          c.coverage.note, el("br"), el("small", { text: c.coverage.note_en || "" })]));
      }
      var t = el("table", { id: "gaps" }, [el("thead", {}, [el("tr", {}, ["环节 Segment", "阶段 Stage",
        "状态 Status", "说明 Reason", "依据 Basis", "本地企业 Local firms", "文件表述 Statements",
        "招商候选 Candidates"].map(function (h) {
          return el("th", { text: h }); }))])]);
      var tb = el("tbody");
      c.segments.forEach(function (s) {
        var actors = el("td", {}, [el("b", { text: String(s.firms || 0) + " " })]);
        s.actors.filter(function (a) { return a.local !== false && (a.kind === "enterprise" || a.kind === "project"); })
          .forEach(function (a, i) { if (i) { actors.appendChild(document.createTextNode("、")); } actors.appendChild(link(a));
            if (a.basis === "inferred" || a.basis === "rule") { actors.appendChild(basisTag(a.basis)); } });
        if (s.registry_more) {
          actors.appendChild(el("div", { className: "registry-more" }, [el("small", {
            text: "另有登记企业 " + s.registry_more + " 家（按行业规则归入，已计数） · +" + s.registry_more +
              " registry firms (placed by rule, counted)" })]));
        }
        var cands = el("td");
        (s.candidates || []).forEach(function (a, i) { if (i) { cands.appendChild(document.createTextNode("、")); } cands.appendChild(link(Object.assign({ kind: "enterprise" }, a)));
          if (a.local === false) { cands.appendChild(el("span", { className: "outside", text: "外地" })); } });
        var says = el("td");
        (s.evidence || []).forEach(function (x) { says.appendChild(el("div", {}, [el("small", { text: x.doc + "：“" + x.quote + "”" })])); });
        var basis = el("td", { className: "basis-cell" }, [basisTag(s.basis) || el("small", { text: BASIS.stated })]);
        if (s.reference) { basis.appendChild(el("br")); basis.appendChild(el("small", { text: s.reference })); }
        tb.appendChild(el("tr", { "data-segment": s.id, "data-status": s.status, "data-basis": s.basis || "stated" }, [
          el("td", {}, [el("b", { text: s.name }), s.basis === "reference" ? el("span", { className: "basis reference", text: "参考环节" }) : "",
            el("br"), el("small", { text: s.name_en || "" })]),
          el("td", { text: (STAGE[s.stage] || "") + " " + s.stage }),
          statusCell(s.status),
          el("td", {}, [s.reason || "", el("br"), el("small", { text: s.reason_en || "" })]),
          basis, actors, says, cands]));
      });
      t.appendChild(tb);
      main.appendChild(t);
      if (c.subchains && c.subchains.length) {
        main.appendChild(el("h2", { text: "重点产业链状态 Key chains" }));
        main.appendChild(el("p", { className: "sub", text: "据文件推导，官方34条名单公布后替换 · derived from the documents until the official list of 34 replaces seeds/key_chains.yaml" }));
        var kt = el("table", { id: "key-chains" }, [el("thead", {}, [el("tr", {}, ["重点产业链 Key chain",
          "状态 Status", "说明 Reason", "依据 Basis", "本地企业 Local firms"].map(function (h) { return el("th", { text: h }); }))])]);
        var kb = el("tbody");
        c.subchains.forEach(function (k) {
          kb.appendChild(el("tr", { "data-chain": k.id }, [el("td", {}, [link(Object.assign({ kind: "chain" }, k))]),
            statusCell(k.status || "unknown"), el("td", { text: k.reason || "" }),
            el("td", {}, [k.derived ? el("span", { className: "basis derived", text: "推导 derived" }) : (basisTag(k.basis) || BASIS.stated)]),
            el("td", { text: String(k.firms || 0) })]));
        });
        kt.appendChild(kb);
        main.appendChild(kt);
      }
      keyActors(c);
      markCurrent();
    }).catch(function (e) {
      if (e.status === 404) { notFound(main, { zh: "产业链", en: "chain" }, id, e); }
      else { showError(main, e); }
    });
  }

  function keyActors(c) {
      main.appendChild(el("h2", { text: "重点主体 Key actors" }));
      var seen = {}, cards = el("div", { className: "cards", id: "actors" });
      c.segments.forEach(function (s) {
        s.actors.forEach(function (a) {
          if (seen[a.id]) { return; } seen[a.id] = 1;
          cards.appendChild(el("div", { className: "card" }, [el("h3", {}, [link(a)]),
            el("small", { text: (KIND_ZH[a.kind] || a.kind) + " · " + s.name +
              (a.role === "leader" ? " · 链主 chain leader" : "") + (a.local === false ? " · 外地 outside Jinan" : "") })]));
        });
      });
      (c.chain_actors || []).forEach(function (a) {
        if (seen[a.id]) { return; } seen[a.id] = 1;
        cards.appendChild(el("div", { className: "card" }, [el("h3", {}, [link(a)]),
          el("small", { text: (KIND_ZH[a.kind] || a.kind) + " · 全链 whole chain" })]));
      });
      if (!cards.childNodes.length) { cards.appendChild(el("p", { className: "muted", text: "暂无 none yet" })); }
      main.appendChild(cards);
  }

  function statusSummary(segments) {
    var out = { gap: 0, weak: 0, covered: 0, unknown: 0 };
    segments.forEach(function (s) { out[s.status] = (out[s.status] || 0) + 1; });
    return out;
  }

  /* A district's gap view: the chains scoped to the district (?district=). */
  function districtGaps(id, target) {
    target.appendChild(el("h2", { text: "本区缺链弱链 Gaps in this district" }));
    target.appendChild(el("p", { className: "sub", text: "只计本区（含下辖）企业与关于本区的文件表述；未掌握 = 无数据，不等于缺链 · only firms and statements of this district count" }));
    var t = el("table", { id: "district-gaps" }, [el("thead", {}, [el("tr", {}, ["产业链 Chain", "层级 Tier",
      "总体 Overall", "缺链 Gap", "弱链 Weak", "已有 Covered", "未掌握 No data", "覆盖 Coverage"].map(function (h) { return el("th", { text: h }); }))])]);
    var tb = el("tbody");
    t.appendChild(tb);
    target.appendChild(t);
    /* the district's own chain groups first: they are what its statements speak of */
    return Promise.all(["district", "flagship"].map(function (tier) {
      return api("/gaps?tier=" + tier + "&district=" + enc(id));
    })).then(function (lists) {
      lists.forEach(function (l) {
        items(l).forEach(function (g) {
          var s = g.summary || {};
          if (g.tier === "district" && !(s.gap || s.weak || s.covered)) { return; }
          tb.appendChild(el("tr", { "data-chain": g.chain.id }, [el("td", {}, [link(Object.assign({ kind: "chain" }, g.chain))]),
            el("td", { text: TIER_ZH[g.tier] || g.tier || "" }), statusCell(g.overall),
            el("td", { text: String(s.gap || 0) }), el("td", { text: String(s.weak || 0) }),
            el("td", { text: String(s.covered || 0) }), el("td", { text: String(s.unknown || 0) }),
            el("td", {}, [el("small", { text: (g.coverage && g.coverage.note) || "" })])]));
        });
      });
    }).catch(function (e) { showError(target, e); });
  }

  function fmtValue(m) {
    if (m.value === null || m.value === undefined) { return m.text || ""; }
    var v = Math.round(m.value * 100) / 100;
    return v.toLocaleString("zh-CN") + (m.unit ? " " + m.unit : "");
  }

  function refs(label, list) {
    if (!list || !list.length) { return null; }
    var p = el("p", {}, [el("b", { text: label + "：" })]);
    list.forEach(function (r, i) {
      if (i) { p.appendChild(document.createTextNode("、")); }
      p.appendChild(link(r));
    });
    return p;
  }

  /* 2025 results, 2026 tasks, figures with their sources, offices, chiefs, districts. */
  function chainOverview(target, ov) {
    var props = (ov.chain && ov.chain.props) || {};
    target.appendChild(el("h2", { text: "概况与指标 Results, tasks and figures" }));
    if (props.results) { target.appendChild(el("p", {}, [el("b", { text: "建设成果 Results：" }), props.results])); }
    if (props.tasks) { target.appendChild(el("p", {}, [el("b", { text: "重点任务 Tasks：" }), props.tasks])); }
    [["主管机构 Offices", ov.agencies], ["链长 Chain chiefs", ov.chiefs],
     ["产业集群 Clusters", ov.clusters], ["分布区县 Districts", ov.districts]].forEach(function (x) {
      var p = refs(x[0], (x[1] || []).map(function (r) { return Object.assign({ kind: r.kind || (x[0].indexOf("区县") >= 0 ? "district" : "") }, r); }));
      if (p) { target.appendChild(p); }
    });
    var t = metricsTable(ov.metrics || []);
    if (t) { target.appendChild(t); }
  }

  function metricsTable(metrics) {
    if (!metrics.length) { return null; }
    var t = el("table", { id: "metrics" }, [el("thead", {}, [el("tr", {}, ["指标 Indicator", "数值 Value",
      "年份 Year", "类型 Kind", "来源 Source"].map(function (h) { return el("th", { text: h }); }))])]);
    var tb = el("tbody");
    metrics.forEach(function (m) {
      var src = (m.sources || [])[0];
      tb.appendChild(el("tr", {}, [
        el("td", { text: m.indicator || m.name }),
        el("td", {}, [fmtValue(m), m.text && m.value !== null ? el("small", { text: "（" + m.text + "）" }) : ""]),
        el("td", { text: m.year ? String(m.year) : "" }),
        el("td", { text: m.metric_kind === "target" ? "目标 target" : "实绩 result" }),
        el("td", {}, [el("small", { text: src ? src.doc + "：“" + src.quote + "”" : "" })])]));
    });
    t.appendChild(tb);
    return t;
  }

  /* A district: chains present, actors by kind, clusters, projects, figures. */
  function districtPage(id) {
    clear();
    api("/districts/" + enc(id)).then(function (p) {
      var d = p.district;
      clear(d.name);
      main.appendChild(el("h1", { text: d.name + " " }, [el("small", { text: d.name_en || "" })]));
      var counts = Object.keys(p.counts || {}).map(function (k) {
        return (KIND_ZH[k] || k) + " " + p.counts[k]; }).join(" · ");
      main.appendChild(el("p", { className: "sub", text: counts }));
      var base = "/viz/neighbourhood/" + enc(d.id);
      main.appendChild(downloads([["关系网络 Neighbourhood", "#/node/" + enc(d.id), "primary"],
        ["图片 PNG", base + ".png?download=true"], ["矢量图 SVG", base + ".svg?download=true"],
        ["离线网页 HTML", base + ".html?download=true"]]));
      main.appendChild(el("h2", { text: "在区产业链 Chains present" }));
      var chains = el("table", { id: "district-chains" }, [el("thead", {}, [el("tr", {},
        ["产业链 Chain", "层级 Tier", "在区主体 Actors"].map(function (h) { return el("th", { text: h }); }))])]);
      var tb = el("tbody");
      (p.chains || []).forEach(function (c) {
        tb.appendChild(el("tr", {}, [el("td", {}, [link(Object.assign({ kind: "chain" }, c))]),
          el("td", { text: TIER_ZH[c.tier] || c.tier || "" }),
          el("td", { text: String(c.actors || 0) })]));
      });
      chains.appendChild(tb);
      main.appendChild(chains);
      var gapsBox = el("div", { id: "district-gap-view" });
      main.appendChild(gapsBox);
      districtGaps(d.id, gapsBox);
      var figs = metricsTable(p.metrics || []);
      if (figs) { main.appendChild(el("h2", { text: "指标 Figures" })); main.appendChild(figs); }
      main.appendChild(el("h2", { text: "主体 Actors" }));
      Object.keys(p.actors || {}).forEach(function (kind) {
        var r = refs((KIND_ZH[kind] || kind) + " " + kind, p.actors[kind]);
        if (r) { main.appendChild(r); }
      });
    }).catch(function (e) {
      if (e.status === 404) { notFound(main, { zh: "区县", en: "district" }, id, e); }
      else { showError(main, e); }
    });
  }

  function neighbourhoodBlock(id, depth, target) {
    var base = "/viz/neighbourhood/" + enc(id);
    var qs = "?depth=" + depth;
    var holder = el("div");
    target.appendChild(holder);
    /* at most 40 nodes drawn, as in the still pictures; the subtitle names the rest (另有…等N个)
       and the HTML download has them all */
    return api(base + ".json" + qs + "&shown=40").then(function (data) {
      var more = depth < 3 ? [["扩大范围 Wider (" + (depth + 1) + " hops)",
        "#/node/" + enc(id) + "?depth=" + (depth + 1)]] : [];
      holder.appendChild(downloads([["图片 PNG", base + ".png" + qs + "&download=true", "primary"],
        ["矢量图 SVG", base + ".svg" + qs + "&download=true"],
        ["离线网页 HTML", base + ".html" + qs + "&download=true"]].concat(more)));
      holder.appendChild(el("p", { className: "sub", text: data.drawing.subtitle }));
      holder.appendChild(drawing(data.drawing));
      return data;
    });
  }

  function lineageBlock(lines) {
    var box = el("div", { id: "lineage" });
    if (!lines || !lines.length) { return box; }
    box.appendChild(el("h2", { text: "所在产业链 Chains (标志性 › 重点 › 环节 flagship › key › segment)" }));
    var ul = el("ul", { className: "lineage" });
    lines.forEach(function (ln) {
      var li = el("li");
      ln.steps.forEach(function (st, i) {
        if (i) { li.appendChild(document.createTextNode(" › ")); }
        li.appendChild(st.kind === "chain" ? link(st) : el("span", { text: st.name }));
      });
      if (ln.role === "leader") { li.appendChild(el("span", { className: "badge", text: " 链主 chain leader" })); }
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }

  function enterprisePage(id) {
    clear();
    var top = el("div"), nb = el("div"), rel = el("div");
    main.appendChild(top); main.appendChild(nb); main.appendChild(rel);
    api("/enterprises/" + enc(id)).then(function (d) {
      var n = d.node;
      clear(n.name);
      main.appendChild(top); main.appendChild(nb); main.appendChild(rel);
      top.appendChild(el("h1", { text: n.name + " " }, [el("small", { text: n.name_en || "" })]));
      top.appendChild(lineageBlock(d.lineage));
      neighbourhoodBlock(n.id, 1, nb).catch(function (e) { showError(nb, e); });
      relatedBlock(n.id, rel);
    }).catch(function (e) {
      if (e.status === 404) { notFound(top, { zh: "企业", en: "enterprise" }, id, e); }
      else { showError(top, e); }
    });
  }

  function relatedBlock(id, rel) {
    rel.appendChild(el("h2", { text: "关联企业 Related enterprises" }));
    api("/enterprises/" + enc(id) + "/related").then(function (data) {
      var list = items(data);
      if (!list.length) { rel.appendChild(el("p", { className: "muted", text: "暂无 none found" })); }
      var cards = el("div", { className: "cards", id: "related" });
      list.forEach(function (r) {
        var reasons = el("ul", { className: "reasons" });
        (r.reasons || []).forEach(function (x) {
          var src = (x.sources || [])[0];
          reasons.appendChild(el("li", { text: x.text + (x.text_en ? " (" + x.text_en + ")" : ""),
            title: src ? src.doc + ": " + src.quote : null }));
        });
        var where = (r.lineage || []).map(function (ln) { return ln.text; }).join("；");
        cards.appendChild(el("div", { className: "card" }, [
          el("h3", {}, [link(Object.assign({ kind: "enterprise" }, r))]),
          el("small", { text: (r.name_en || "") + (r.local === false ? " · 外地 outside Jinan" : "") }),
          where ? el("p", { className: "lineage-line", text: where }) : null,
          reasons]));
      });
      rel.appendChild(cards);
    }).catch(function (e) { showError(rel, e); });
  }

  function nodePage(id, depth) {
    clear();
    var head = el("div"), body = el("div");
    main.appendChild(head); main.appendChild(body);
    var sel = el("select", { id: "depth", "aria-label": "层数 depth" }, [1, 2, 3].map(function (d) {
      var o = el("option", { value: String(d), text: d + " 层 hop" + (d > 1 ? "s" : "") });
      if (d === depth) { o.selected = true; }
      return o;
    }));
    sel.addEventListener("change", function () { location.hash = "#/node/" + enc(id) + "?depth=" + sel.value; });
    neighbourhoodBlock(id, depth, body).then(function (data) {
      document.title = data.drawing.title + " · 链图 ChainAtlas";
      head.appendChild(el("h1", { text: data.drawing.title }));
      head.appendChild(el("div", { className: "controls" }, [el("label", { text: "范围 Depth " }, [sel])]));
    }).catch(function (e) { showError(body, e); });
  }

  function route() {
    var h = location.hash || "#/";
    var m = h.match(/^#\/(chain|enterprise|district|node)\/([^?]+)(?:\?depth=(\d))?/);
    if (!m) { home(); }
    else if (m[1] === "chain") { chainPage(decodeURIComponent(m[2])); }
    else if (m[1] === "district") { districtPage(decodeURIComponent(m[2])); }
    else if (m[1] === "enterprise") { enterprisePage(decodeURIComponent(m[2])); }
    else { nodePage(decodeURIComponent(m[2]), parseInt(m[3] || "1", 10)); }
    markCurrent();
  }

  window.addEventListener("hashchange", route);
  loadChains().then(renderChainList).catch(function (e) {
    var ul = document.getElementById("chain-list"); ul.textContent = ""; showError(ul, e);
  });
  route();
})();
