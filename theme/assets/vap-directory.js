/* vap-portal: the directory filter. Reads directory.json (written by the generator next to the page:
   no request leaves the site) once, on first use, and lists the roles that match the title or holder
   text, department, level and plan status. Shows at most LIMIT rows, so the page stays light. */
(function () {
  "use strict";
  var LIMIT = 100;
  var STATUS = { confirmed: "Confirmed", discussed: "Discussed", draft: "Draft" };

  function setup(form) {
    if (form.dataset.vapReady) return;
    form.dataset.vapReady = "1";
    var source = form.querySelector(".vap-filter__data").href;
    var rolePattern = "roles/{id}/";  // relative to directory.json, at the root of the site
    var count = form.querySelector(".vap-filter__count");
    var results = form.querySelector(".vap-filter__results");
    var levelNames = {};
    var levelSelect = form.elements.level;
    if (levelSelect) {
      Array.prototype.forEach.call(levelSelect.options, function (o) { levelNames[o.value] = o.textContent; });
    }
    var roles = null;
    var loading = null;
    var shown = null;  // the filter last listed: typing the same again does not redraw the rows

    function load() {
      if (!loading) {
        loading = fetch(source, { credentials: "same-origin" })
          .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
          .then(function (data) {
            rolePattern = data.role_url || rolePattern;
            roles = data.roles.map(function (r) {
              r.haystack = (r.title + " " + (r.holder || "") + " " + r.id).toLowerCase();
              return r;
            });
          });
      }
      return loading;
    }

    function cell(row, text, tag, label) {
      var td = document.createElement(tag || "td");
      if (label) td.setAttribute("data-label", label);
      if (text instanceof Node) td.appendChild(text); else td.textContent = text;
      row.appendChild(td);
      return td;
    }

    function show(found) {
      results.textContent = "";
      if (!found.length) return;
      var table = document.createElement("table");
      table.className = "vap-table vap-roles";
      var head = table.createTHead().insertRow();
      var withHolder = found.some(function (r) { return "holder" in r; });
      ["Role"].concat(withHolder ? ["Holder"] : [], ["Department", "Level", "Plan"]).forEach(function (h) {
        cell(head, h, "th");
      });
      var body = table.createTBody();
      found.slice(0, LIMIT).forEach(function (r) {
        var row = body.insertRow();
        var a = document.createElement("a");
        a.href = new URL(rolePattern.replace("{id}", encodeURIComponent(r.id)), source).href;
        a.textContent = r.title;
        cell(row, a);
        if (withHolder) {
          if (r.holder) cell(row, r.holder, "td", "Holder");
          else { var em = document.createElement("em"); em.textContent = "Vacant"; cell(row, em, "td", "Holder"); }
        }
        cell(row, r.department, "td", "Department");
        cell(row, r.level === null || r.level === undefined ? "—" : (levelNames[String(r.level)] || "Level " + r.level), "td", "Level");
        cell(row, STATUS[r.status] || r.status, "td", "Plan");
      });
      results.appendChild(table);
    }

    function update() {
      var text = form.elements.text.value.trim().toLowerCase();
      var dept = form.elements.department.value;
      var level = levelSelect ? levelSelect.value : "";
      var status = form.elements.status.value;
      var key = JSON.stringify([text, dept, level, status]);
      if (!text && !dept && !level && !status) {
        count.textContent = "";
        results.textContent = "";
        shown = null;
        return;
      }
      load().then(function () {
        var current = JSON.stringify([form.elements.text.value.trim().toLowerCase(), form.elements.department.value,
          levelSelect ? levelSelect.value : "", form.elements.status.value]);
        if (key !== current || key === shown) return;  // a later change will draw (or has drawn) it
        shown = key;
        var words = text.split(/\s+/).filter(Boolean);
        var found = roles.filter(function (r) {
          return (!dept || r.department === dept) && (!level || String(r.level) === level) &&
            (!status || r.status === status) &&
            words.every(function (w) { return r.haystack.indexOf(w) !== -1; });
        });
        count.textContent = found.length === 0 ? "No role matches."
          : found.length > LIMIT ? found.length + " roles match; the first " + LIMIT + " are shown: narrow the filter to see the others."
          : found.length + (found.length === 1 ? " role matches." : " roles match.");
        show(found);
      }).catch(function () {
        count.textContent = "The directory data could not be loaded: use the departments below.";
      });
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
    form.hidden = false;
  }

  function setupAll() {
    document.querySelectorAll("form[data-vap-directory]").forEach(setup);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setupAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
