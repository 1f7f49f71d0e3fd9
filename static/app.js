// Envkeep admin UI enhancements. Every page works without this file; it adds copy buttons,
// in-place scope rows and their live "Matches …" lines on the token form, a typed-name check on confirmations, and filters that
// apply as you type.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Fallback for plain-http origins other than localhost.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "sr-only";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      ok ? resolve() : reject(new Error("copy failed"));
    });
  }

  function flash(button, label) {
    var original = button.getAttribute("data-label") || button.innerHTML;
    button.setAttribute("data-label", original);
    button.textContent = label;
    setTimeout(function () { button.innerHTML = original; }, 2000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-copy-text]");
    if (!button) return;
    var text = button.getAttribute("data-copy-text");
    if (text === null) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) return;
      text = "value" in source && source.tagName !== "PRE" ? source.value : source.textContent;
    }
    copyText(text).then(function () { flash(button, "Copied"); }, function () { flash(button, "Copy failed"); });
  });

  // Read-only token fields select themselves, so a manual copy takes one keystroke.
  document.querySelectorAll("input[readonly].mono").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });

  // Token form: add and remove scope rows in place (the server does the same without JS).
  var form = document.getElementById("token-form");
  if (form) {
    var rows = form.querySelector(".scope-rows");
    var addButton = form.querySelector(".add-scope");
    var max = parseInt(form.querySelector(".scopes").getAttribute("data-max"), 10) || 50;

    var renumber = function () {
      var all = rows.querySelectorAll(".scope-row");
      all.forEach(function (row, i) {
        var select = row.querySelector("select"), input = row.querySelector("input"), labels = row.querySelectorAll("label");
        select.id = "scope_env_" + i; labels[0].htmlFor = select.id;
        input.id = "scope_path_" + i; labels[1].htmlFor = input.id;
        var line = row.querySelector(".scope-preview");
        if (line) {
          line.id = "scope_preview_" + i;
          var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id.indexOf("scope_preview_") !== 0; });
          input.setAttribute("aria-describedby", [line.id].concat(described).join(" "));
        }
        var remove = row.querySelector(".remove-scope");
        remove.value = String(i);
        remove.disabled = all.length === 1;
        var sr = remove.querySelector(".sr-only");
        if (sr) sr.textContent = " scope " + (i + 1);
      });
      addButton.disabled = all.length >= max;
    };

    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var last = rows.querySelector(".scope-row:last-child");
      var row = last.cloneNode(true);
      row.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
      row.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
      var select = row.querySelector("select");
      select.selectedIndex = 0;
      var input = row.querySelector("input");
      input.value = "/";
      input.setAttribute("aria-describedby", "scope-hint");
      select.removeAttribute("aria-describedby");
      rows.appendChild(row);
      renumber();
      preview(row);
      select.focus();
    });

    // The line under each row (what it matches, how many secrets today) comes from the server,
    // which writes the same line into the page without JavaScript.
    var previewUrl = form.querySelector(".scopes").getAttribute("data-preview");
    var timers = new WeakMap(), asked = new WeakMap();
    var preview = function (row) {
      var line = row.querySelector(".scope-preview");
      if (!line || !previewUrl) return;
      var params = new URLSearchParams({ environment: row.querySelector("select").value, path: row.querySelector("input").value });
      var mine = (asked.get(row) || 0) + 1;
      asked.set(row, mine);
      fetch(previewUrl + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
        var json = (r.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!json) throw new Error("status " + r.status);
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      }).then(function (answer) {
        if (asked.get(row) !== mine) return;
        line.classList.toggle("scope-preview-error", !answer.ok);
        var detail = answer.body.details && answer.body.details[0];
        line.textContent = answer.ok ? answer.body.line : "Not accepted: " + (detail ? detail.message : answer.body.message);
      }).catch(function () { /* keep the last line; the server checks the form on submit */ });
    };
    rows.addEventListener("input", function (event) {
      var row = event.target.closest(".scope-row");
      if (!row) return;
      clearTimeout(timers.get(row));
      timers.set(row, setTimeout(function () { preview(row); }, 150));
    });
    rows.addEventListener("change", function (event) {
      var row = event.target.closest(".scope-row");
      if (row && event.target.tagName === "SELECT") preview(row);
    });

    rows.addEventListener("click", function (event) {
      var remove = event.target.closest(".remove-scope");
      if (!remove) return;
      event.preventDefault();
      if (rows.querySelectorAll(".scope-row").length > 1) {
        remove.closest(".scope-row").remove();
        renumber();
        addButton.focus();
      }
    });
  }

  // Typed-name confirmations: the destructive button stays disabled until the name matches.
  document.querySelectorAll("[data-confirm-match]").forEach(function (input) {
    var button = input.form.querySelector(".btn-danger");
    var expected = input.getAttribute("data-confirm-match");
    var sync = function () { button.disabled = input.value.trim() !== expected; };
    input.addEventListener("input", sync);
    sync();
  });

  // Filter forms (`data-live` names the results region): the server filters and pages (`?q=`),
  // so the script only fetches the filtered page as you type and swaps the region in.
  document.querySelectorAll("form[data-live]").forEach(function (form) {
    var region = form.getAttribute("data-live");
    var timer = null, latest = 0;
    var refresh = function () {
      var params = new URLSearchParams(new FormData(form));
      var url = form.action + (form.action.indexOf("?") < 0 ? "?" : "&") + params.toString();
      var mine = ++latest;
      fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.text();
      }).then(function (html) {
        if (mine !== latest) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region);
        var current = document.getElementById(region);
        if (!fresh || !current) throw new Error("no results region");
        current.replaceWith(document.importNode(fresh, true));
        history.replaceState(null, "", url);
      }).catch(function () { window.location.assign(url); });
    };
    form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); refresh(); });
    form.addEventListener("input", function (event) {
      if (event.target.type !== "search") return;
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    });
    form.addEventListener("change", function (event) { if (event.target.type === "checkbox") refresh(); });
  });

  // "Or load a file": the file's text goes into the textarea, which the form posts as pasted.
  document.querySelectorAll("input[type=file][data-load-into]").forEach(function (input) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0], target = document.getElementById(input.getAttribute("data-load-into"));
      if (!file || !target) return;
      file.text().then(function (text) { target.value = text; });
    });
  });
})();
