// "Find a model" on the static site: the recommender's rules (mentorgraph.advise: ranking.py,
// eligibility.py, person.py; docs/choosing-a-model.md) over the data the site writer exports
// (self.MentorgraphAdvice, from mentorgraph/site/advice.py), in the browser. recommend(data, params)
// returns what Recommendation.as_dict() returns in Python, word for word; tests/test_site_browser.py
// compares the two for the personas. The page's form is answered in place, its URL kept shareable.
// A classic script, so it runs the same over http and from file://.
"use strict";

(function (root) {
  // -- matching what a person typed (mentorgraph.text.normalize, advise.words.fold) ------------------
  var FOLD = { "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-" };

  function normalize(text) {
    var t = text.replace(/\u00ad/g, "").replace(/[\u2018\u2019\u201c\u201d\u2013\u2014\u2010\u2011]/g, function (c) {
      return FOLD[c];
    });
    t = t.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    return t.split(/\s+/).filter(Boolean).join(" ");
  }
  function fold(text) {
    return normalize(text).replace(/[-_/.,;:()'"]+/g, " ").split(/\s+/).filter(Boolean).join(" ");
  }
  function singular(key) {
    return key.split(" ").map(function (w) {
      return w.length > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w;
    }).join(" ");
  }
  function hasPhrase(words, key) {
    return (" " + words + " ").indexOf(" " + fold(key) + " ") >= 0;
  }
  function inSentence(label) {
    var second = label.charAt(1);
    return second && second !== second.toUpperCase() ? label.charAt(0).toLowerCase() + label.slice(1) : label;
  }

  function AdviceError(message) {
    this.message = message;
  }

  function resolveTheme(data, value, among) {
    var themes = data.themes.filter(function (t) { return among.indexOf(t.id) >= 0; });
    var key = normalize(value);
    var tries = [
      themes.filter(function (t) { return t.exact.indexOf(key) >= 0; }),
      themes.filter(function (t) { return hasPhrase(t.words, key); }),
      themes.filter(function (t) { return t.altWords.some(function (a) { return hasPhrase(a, key); }); }),
    ];
    for (var i = 0; i < tries.length; i++) {
      if (tries[i].length === 1) return tries[i][0];
      if (tries[i].length > 1) throw new AdviceError("“" + value + "” names several themes: " + tries[i].map(function (t) { return t.label; }).join(", ") + ".");
    }
    throw new AdviceError("“" + value + "” is not one of the themes.");
  }

  function matchValue(data, facet, value) {
    var concepts = facet.values.map(function (iri) { return Object.assign({ iri: iri }, data.concepts[iri]); });
    var key = fold(value);
    if (!key) return [];
    var byIri = concepts.filter(function (c) { return c.iri === value.trim(); });
    if (byIri.length) return byIri;
    var byId = concepts.filter(function (c) { return c.id === value.trim(); });
    if (byId.length) return byId;
    var sames = [function (k) { return k === key; }, function (k) { return singular(k) === singular(key); }];
    for (var i = 0; i < sames.length; i++) {
      var hits = concepts.filter(function (c) { return c.keys.some(sames[i]); });
      if (hits.length > 1) {
        var byLabel = hits.filter(function (c) { return sames[i](c.labelKey); });
        if (byLabel.length) hits = byLabel;
      }
      if (hits.length) return hits;
    }
    var start = singular(key) + " ";
    return concepts.filter(function (c) {
      return c.keys.some(function (k) { return (singular(k) + " ").startsWith(start); });
    });
  }

  // -- the profile (advise/person.py resolve_profile) -------------------------------------------------
  function profileOf(data, params) {
    var given = function (name) { return (params[name] || []).filter(function (v) { return v.trim(); }); };
    var viewId = given("view")[0];
    var view = viewId ? data.views.find(function (v) { return v.id === viewId; }) : data.views[0];
    if (!view) throw new AdviceError("“" + viewId + "” is not a question this page answers.");
    var unique = function (list) { return list.filter(function (x, i) { return list.indexOf(x) === i; }); };
    var want = unique(given("want").map(function (v) { return resolveTheme(data, v, view.themes); }));
    var avoid = unique(given("avoid").map(function (v) { return resolveTheme(data, v, view.themes); }));
    var byDefault = !want.length && !avoid.length && view.wantAllByDefault;
    if (byDefault) {
      want = view.themes.map(function (id) { return data.themes.find(function (t) { return t.id === id; }); });
    }
    var stated = {};
    data.facets.forEach(function (facet) {
      given(facet.id).forEach(function (value) {
        var hits = matchValue(data, facet, value);
        if (hits.length !== 1) {
          throw new AdviceError(
            hits.length ? "“" + value + "” names several: " + hits.map(function (c) { return c.label; }).join(", ") + "."
              : "“" + value + "” is not a known " + inSentence(facet.label) + "."
          );
        }
        var list = (stated[facet.id] = stated[facet.id] || []);
        if (!list.some(function (c) { return c.iri === hits[0].iri; })) list.push(hits[0]);
      });
    });
    return { view: view, want: want, avoid: avoid, stated: stated, byDefault: byDefault };
  }

  // -- verdicts (advise/eligibility.py judge) ---------------------------------------------------------
  function within(data, a, b) {
    return a.iri === b.iri || data.concepts[a.iri].broader.indexOf(b.iri) >= 0;
  }
  function inWords(concepts, last) {
    var names = concepts.map(function (c) { return inSentence(c.label); });
    return names.length === 1 ? names[0] : names.slice(0, -1).join(", ") + " " + (last || "or") + " " + names[names.length - 1];
  }
  function says(facet, concepts) {
    return facet.wording.replace("{}", inWords(concepts));
  }
  function byLabel(a, b) {
    return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
  }

  function judge(data, initiative, profile) {
    var excluded = [], maybe = [], notes = [];
    data.facets.forEach(function (facet) {
      var recorded = initiative.values
        .filter(function (v) { return facet.values.indexOf(v) >= 0; })
        .map(function (v) { return Object.assign({ iri: v }, data.concepts[v]); })
        .sort(byLabel);
      var stated = profile.stated[facet.id] || [];
      if (!recorded.length) {
        if (stated.length && facet.unrecorded === "unknown") {
          maybe.push(inSentence(facet.label) + " not recorded \u2014 you said " + inWords(stated, "and"));
        }
        return;
      }
      if (!stated.length) {
        notes.push(says(facet, recorded));
        return;
      }
      if (stated.some(function (p) { return recorded.some(function (t) { return within(data, p, t); }); })) return;
      var narrower = recorded.filter(function (t) {
        var inside = function (p) { return within(data, t, p); };
        return facet.several ? stated.some(inside) : stated.every(inside);
      });
      if (narrower.length) maybe.push(says(facet, narrower) + " \u2014 you said " + inWords(stated, "and"));
      else excluded.push(says(facet, recorded) + ", not " + inWords(stated, "and"));
    });
    if (excluded.length) return { kind: "excluded", why: excluded, notes: notes };
    if (maybe.length) return { kind: "maybe", why: maybe, notes: notes };
    return { kind: "fits", why: [], notes: notes };
  }

  // -- scores and ranks (advise/ranking.py) -----------------------------------------------------------
  function signed(n) {
    return (n < 0 ? "-" : "+") + Math.abs(n);
  }

  function scoreType(data, type, profile) {
    var labels = {}, how = {}, wanted = {};
    data.themes.forEach(function (t) { labels[t.id] = t.label; });
    profile.want.forEach(function (t) { how[t.id] = "wanted"; wanted[t.id] = true; });
    profile.avoid.forEach(function (t) { how[t.id] = "avoided"; });
    var matches = [];
    type.attributes.forEach(function (attr) {
      var ms = data.memberships[attr.id] || [];
      [[1, ms.filter(function (m) { return m.favourable && wanted[m.theme]; })],
       [-1, ms.filter(function (m) { return !m.favourable && how[m.theme]; })]].forEach(function (pair) {
        var used = pair[1];
        if (!used.length) return;
        var readings = used
          .filter(function (m) { return m.interpretive || m.favourable !== (attr.kind === "strength"); })
          .map(function (m) { return m.rationale; });
        var themes = used.map(function (m) { return labels[m.theme] + " (" + how[m.theme] + ")"; }).join(" and ");
        var text = (pair[0] > 0 ? "+1" : "-1") + ": " + attr.kind + " \u201c" + attr.label + "\u201d counts " +
          (pair[0] > 0 ? "for" : "against") + " " + themes;
        matches.push({ points: pair[0], reason: text + readings.map(function (r) { return " \u2014 " + r; }).join("") });
      });
    });
    return matches;
  }

  function listed(i, why, notes, key) {
    var out = { item: i.iri, label: i.display };
    if (why.length || key === "why") out[key] = why;
    if (notes.length) out.notes = notes;
    return out;
  }

  function rank(data, profile) {
    var offers = profile.view.offersInitiatives;
    var out = data.types.map(function (type) {
      var matches = scoreType(data, type, profile);
      var advice = {
        type: type.label, iri: type.iri, position: type.position, matches: matches,
        score: matches.reduce(function (s, m) { return s + m.points; }, 0),
        programs: [], maybe: [], excluded: [], collective: [],
      };
      (offers ? type.initiatives : []).forEach(function (i) {
        if (i.collective) {
          if (!i.hasParts) {
            var why = "names " + (i.collectiveClass || "several initiatives").toLowerCase() + " collectively, not one to join";
            advice.collective.push(listed(i, [why], [], "why"));
          }
          return;
        }
        var v = judge(data, i, profile);
        if (v.kind === "fits") advice.programs.push(listed(i, v.why, v.notes, "notes"));
        else advice[v.kind].push(listed(i, v.why, v.notes, "why"));
      });
      return advice;
    });
    out.sort(function (a, b) { return b.score - a.score || a.position - b.position; });
    return out.map(function (a) {
      var r = 1 + out.filter(function (b) { return b.score > a.score; }).length;
      var tied = out.filter(function (b) { return b.score === a.score && b !== a; }).map(function (b) { return b.label || b.type; });
      var plus = a.matches.filter(function (m) { return m.points > 0; }).length;
      var head = "rank " + r + ": score " + signed(a.score) + " = +" + plus + " (bullets for wanted themes) -" +
        (a.matches.length - plus) + " (bullets against wanted or avoided themes)";
      if (tied.length) head += "; tied with " + tied.join(", ") + ", kept in Table 1 order";
      var t = { type: a.type, iri: a.iri, rank: r, score: a.score, reasons: [head].concat(a.matches.map(function (m) { return m.reason; })) };
      if (offers) ["programs", "maybe", "excluded", "collective"].forEach(function (k) { t[k] = a[k]; });
      return t;
    });
  }

  function notesFor(data, profile) {
    var ways = {};
    Object.keys(data.memberships).forEach(function (a) {
      data.memberships[a].forEach(function (m) { (ways[m.theme] = ways[m.theme] || {})[m.favourable] = true; });
    });
    var notes = [];
    if (profile.byDefault) {
      notes.push("No theme named: every theme of " + inSentence(profile.view.label) + " counts as wanted (" +
        profile.want.map(function (t) { return t.label; }).join(", ") + ").");
    } else if (!profile.want.length && !profile.avoid.length) {
      notes.push("No theme named: every type scores 0 and Table 1's order is kept. Choose themes you want, or whose drawbacks you want to avoid.");
    }
    profile.want.forEach(function (t) {
      if (!(ways[t.id] || {})[true]) notes.push("Table 1 lists nothing that counts for " + t.label + ", so wanting it only counts against a type.");
    });
    profile.avoid.forEach(function (t) {
      if (!(ways[t.id] || {})[false]) {
        notes.push("Table 1 lists nothing that counts against " + t.label + ", so avoiding it changes no score; want it instead to favour what counts for it.");
      }
    });
    var stated = data.facets.filter(function (f) { return (profile.stated[f.id] || []).length; }).map(function (f) { return inSentence(f.label); });
    if (stated.length && !profile.view.offersInitiatives) {
      notes.push(profile.view.label + " matches no initiative to a person, so what you said about " + stated.join(" and ") + " changes nothing here.");
    }
    return notes;
  }

  /** The recommendation for form parameters ({name: [values]}), shaped as Recommendation.as_dict(). */
  function recommend(data, params) {
    var p = profileOf(data, params);
    var person = data.facets.filter(function (f) { return (p.stated[f.id] || []).length; }).map(function (f) {
      return inSentence(f.label) + ": " + p.stated[f.id].map(function (c) { return c.label; }).join(", ");
    });
    if (p.want.length && !p.byDefault) person.push("want: " + p.want.map(function (t) { return t.label; }).join(", "));
    if (p.avoid.length) person.push("avoid: " + p.avoid.map(function (t) { return t.label; }).join(", "));
    return {
      view: { id: p.view.id, label: p.view.label },
      person: person,
      want: p.want.map(function (t) { return t.id; }),
      avoid: p.avoid.map(function (t) { return t.id; }),
      rule: data.rule,
      notes: notesFor(data, p),
      types: rank(data, p),
    };
  }

  // -- the page: the answer drawn in find.html's microformat (li.mg-type, ul.mg-fit, mg-maybe, ...) ---
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }
  function link(S, iri, text) {
    var own = S.own.find(function (o) { return iri.indexOf(o[0]) === 0; });
    var base = new URL("../", new URL(".", script));
    return own ? el("a", { href: new URL(own[1] + iri.slice(own[0].length) + own[2], base).href }, [text]) : text;
  }
  function entries(S, list, cls) {
    return el("ul", { class: cls }, list.map(function (e) {
      var item = [link(S, e.item, e.label)];
      if (e.why) item.push(": ", el("span", { class: "mg-why" }, [e.why.join("; ")]));
      if (e.notes) item.push(" ", el("small", {}, ["(" + e.notes.join("; ") + ")"]));
      return el("li", {}, item);
    }));
  }
  function typeItem(S, t) {
    var li = el("li", { value: String(t.rank), class: "mg-type", "data-score": String(t.score) });
    var score = "score " + (t.score > 0 ? "+" + t.score : t.score < 0 ? "\u2212" + -t.score : "0");
    var tied = t.reasons[0].split("; tied with ")[1];
    if (tied) score += ", tied with " + tied.replace(/, kept in Table 1 order$/, "");
    li.append(el("h3", {}, [link(S, t.iri, t.type), " ", el("small", { class: "score" }, [score])]));
    var reasons = t.reasons.slice(1);
    li.append(reasons.length ? el("ul", { class: "mg-reasons" }, reasons.map(function (r) { return el("li", {}, [r]); }))
      : el("p", { class: "note" }, ["None of its bullets counts for or against what you named."]));
    if (!t.programs) return li;
    li.append(el("p", { class: "verdict verdict-fit" }, ["Fits you (" + t.programs.length + ")"]));
    if (t.programs.length) li.append(entries(S, t.programs, "mg-fit"));
    if (t.maybe.length) li.append(el("p", { class: "verdict verdict-maybe" }, ["May fit (" + t.maybe.length + ")"]), entries(S, t.maybe, "mg-maybe"));
    [["excluded", "mg-excluded", "Set aside"], ["collective", "mg-collective", "Not one to join"]].forEach(function (k) {
      if (!t[k[0]].length) return;
      var summary = el("summary", {}, [el("span", { class: "verdict verdict-" + k[0] }, [k[2] + " (" + t[k[0]].length + ")"]), ", with the reason"]);
      li.append(el("details", {}, [summary, entries(S, t[k[0]], k[1])]));
    });
    return li;
  }
  function params(search) {
    var out = {};
    new URLSearchParams(search).forEach(function (v, k) { if (v.trim()) (out[k] = out[k] || []).push(v); });
    return out;
  }
  function show(form, section, asked) {
    var S = self.MentorgraphSite;
    section.replaceChildren();
    if (!Object.keys(asked).length) return;
    var rec;
    try {
      rec = recommend(self.MentorgraphAdvice, asked);
    } catch (e) {
      if (!(e instanceof AdviceError)) throw e;
      section.append(el("p", { class: "error", role: "alert" }, [e.message]));
      return;
    }
    root.mentorgraphFindAnswer = rec;
    section.append(el("h2", { id: "h-ranking" }, ["The types, best first, for " + (rec.person.join("; ") || "anyone")]));
    section.append(el("p", { class: "no-print" }, ["Share this answer: ", el("a", { href: location.href }, ["link"])]));
    rec.notes.forEach(function (n) { section.append(el("p", { class: "message" }, [n])); });
    section.append(el("p", { class: "note" }, ["How the score is made: " + rec.rule + "."]));
    section.append(el("ol", { class: "ranking" }, rec.types.map(function (t) { return typeItem(S, t); })));
  }
  function page() {
    var form = document.querySelector("form.find-form");
    if (!form || !self.MentorgraphAdvice) return;
    var section = el("section", { id: "site-ranking", "aria-labelledby": "h-ranking", "aria-live": "polite" });
    form.after(section);
    var asked = params(location.search);
    form.querySelectorAll("select, input[type=checkbox]").forEach(function (field) {
      var chosen = asked[field.name] || [];
      if (field.tagName === "SELECT") {
        if (chosen.length) Array.prototype.forEach.call(field.options, function (o) { o.selected = chosen.indexOf(o.value) >= 0; });
      } else if (field.name in asked) field.checked = chosen.indexOf(field.value) >= 0;
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = new URLSearchParams();
      new FormData(form).forEach(function (v, k) { if (String(v).trim()) query.append(k, v); });
      try {
        history.replaceState(null, "", "?" + query.toString());
      } catch (e) {
        // A page opened from file:// may refuse a changed URL; the answer stands without it.
      }
      show(form, section, params(query.toString()));
    });
    show(form, section, asked);
  }

  var script = typeof document !== "undefined" && document.currentScript ? document.currentScript.src : null;
  root.MentorgraphFind = { recommend: recommend, AdviceError: AdviceError, normalize: normalize, fold: fold };
  if (script && document.querySelector("form.find-form")) page();
})(self);
