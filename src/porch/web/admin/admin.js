/* porch dashboard: keyboard shortcuts, bulk selection and actions without a page reload.
 *
 * Progressive: every button here is a real form button that works without this file (POST, then
 * a redirect back with a banner). With it, actions go by fetch() with the session's CSRF token in
 * the X-CSRF-Token header, the row is updated or taken out of the queue in place, the banner says
 * what happened (with Undo), and the aria-live region announces it for screen readers.
 * No inline script (the Content-Security-Policy forbids it): the page's data is in data- attributes.
 *
 * Keys: j / k next / previous comment, a approve (not spam in the spam queue), n not spam,
 * s spam, d delete, r reply, x select, u undo, ? the list of shortcuts.
 *
 * Search results mark what matched (the search words in the field searched in) with <mark>, by
 * splitting the page's own text nodes: no HTML is built from strings, so nothing can be injected.
 */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var form = document.getElementById("queue");
  var live = document.getElementById("live");
  var banner = document.getElementById("banner");
  var help = document.getElementById("help");
  var helpButton = document.getElementById("show-help");
  var selectAll = document.getElementById("select-all");
  var selectedCount = document.getElementById("selected-count");
  var current = -1;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll(".comments .comment")); }

  function announce(text) {
    if (!live) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function showBanner(message, note, undo, isError) {
    if (!banner) return;
    banner.hidden = false;
    banner.classList.toggle("error", !!isError);
    banner.classList.toggle("honest", !!note);
    document.getElementById("banner-message").textContent = message;
    var noteEl = document.getElementById("banner-note");
    noteEl.textContent = note || "";
    noteEl.hidden = !note;
    document.getElementById("banner-undo").hidden = !undo;
    announce(message + (note ? " " + note : ""));
  }

  function focusRow(index) {
    var all = rows();
    if (!all.length) {
      var heading = document.getElementById("heading");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      current = -1;
      return;
    }
    index = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (r) { r.classList.remove("current"); });
    current = index;
    all[index].classList.add("current");
    all[index].focus();
    all[index].scrollIntoView({ block: "nearest" });
  }

  function currentRow() {
    var all = rows();
    var active = document.activeElement && document.activeElement.closest ? document.activeElement.closest(".comment") : null;
    if (active) { current = all.indexOf(active); return active; }
    return current >= 0 ? all[current] : null;
  }

  function updateSelection() {
    var boxes = document.querySelectorAll(".comments .select");
    var n = 0;
    boxes.forEach(function (b) {
      var row = b.closest(".comment");
      if (row) row.classList.toggle("selected", b.checked);
      if (b.checked) n += 1;
    });
    if (selectedCount) selectedCount.textContent = n ? n + " selected:" : "Select comments, then:";
    if (selectAll) {
      selectAll.checked = n > 0 && n === boxes.length;
      selectAll.indeterminate = n > 0 && n < boxes.length;
    }
  }

  function bump(status, delta) {
    var el = document.querySelector('[data-count="' + status + '"]');
    if (el) el.textContent = String(Math.max(0, (parseInt(el.textContent, 10) || 0) + delta));
  }

  function applyResult(result, queueStatus) {
    var row = document.getElementById("c" + result.id);
    if (!row || result.error) return;
    var before = row.getAttribute("data-status");
    var after = result.status === "removed" ? "deleted" : result.status;
    if (before !== after) { bump(before, -1); bump(after, 1); }
    if (queueStatus && after !== queueStatus) {
      var all = rows();
      var index = all.indexOf(row);
      var item = row.parentNode;
      item.parentNode.removeChild(item);
      if (index <= current) current = Math.max(0, current - (index < current ? 1 : 0));
      return;
    }
    row.setAttribute("data-status", after);
    row.className = row.className.replace(/status-\w+/, "status-" + after);
    var badge = row.querySelector(".badge");
    if (badge) { badge.textContent = after; badge.className = "badge " + after; }
  }

  function send(url, data) {
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
    }).then(function (r) {
      return r.json().catch(function () { return { detail: "The server answered " + r.status + "." }; })
        .then(function (body) { return { ok: r.ok, body: body }; });
    });
  }

  function act(submitter) {
    var data = new FormData(form, submitter);
    var url = submitter.getAttribute("formaction") || form.getAttribute("action");
    var queueStatus = form.getAttribute("data-status");
    var wasFocused = current;
    var rowOfButton = submitter.closest(".comment");
    if (rowOfButton) wasFocused = rows().indexOf(rowOfButton);
    submitter.disabled = true;
    return send(url, data).then(function (answer) {
      submitter.disabled = false;
      if (!answer.ok) {
        showBanner(answer.body.detail || "That did not work.", null, false, true);
        return;
      }
      (answer.body.results || []).forEach(function (r) { applyResult(r, queueStatus); });
      document.querySelectorAll(".comments .select:checked").forEach(function (b) { b.checked = false; });
      updateSelection();
      showBanner(answer.body.message, answer.body.note, true, false);
      if (rowOfButton || wasFocused >= 0) focusRow(Math.max(0, wasFocused));
    }).catch(function () {
      submitter.disabled = false;
      showBanner("The server cannot be reached; nothing was changed. Try again.", null, false, true);
    });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (!submitter || !window.fetch || !window.FormData) return; // plain form post
      event.preventDefault();
      act(submitter);
    });
  }

  if (selectAll) {
    selectAll.hidden = false;
    selectAll.addEventListener("change", function () {
      document.querySelectorAll(".comments .select").forEach(function (b) { b.checked = selectAll.checked; });
      updateSelection();
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("select")) updateSelection();
  });
  document.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest(".comment");
    if (row) {
      rows().forEach(function (r) { r.classList.toggle("current", r === row); });
      current = rows().indexOf(row);
    }
  });

  if (help && helpButton && help.showModal) {
    helpButton.hidden = false;
    helpButton.addEventListener("click", function () { help.showModal(); });
  }

  function typing(target) {
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (help && help.open) return;
    var key = event.key;
    if (key === "?") {
      if (help && help.showModal) { event.preventDefault(); help.showModal(); }
      return;
    }
    if (key === "u") {
      var undo = document.getElementById("undo");
      if (undo) { event.preventDefault(); undo.requestSubmit ? undo.requestSubmit() : undo.submit(); }
      return;
    }
    if (key === "j" || key === "k") {
      event.preventDefault();
      var row = currentRow();
      var index = row ? rows().indexOf(row) : -1;
      focusRow(index < 0 ? 0 : index + (key === "j" ? 1 : -1));
      return;
    }
    var target = currentRow();
    if (!target) return;
    if (key === "x") {
      event.preventDefault();
      var box = target.querySelector(".select");
      if (box) { box.checked = !box.checked; updateSelection(); }
      return;
    }
    if (key === "r") {
      var reply = target.querySelector("details.reply");
      if (reply) {
        event.preventDefault();
        reply.open = true;
        var area = reply.querySelector("textarea");
        if (area) area.focus();
      }
      return;
    }
    if ("asdn".indexOf(key) >= 0 && key.length === 1) {
      var buttons = target.querySelectorAll(".actions button[data-keys]");
      for (var i = 0; i < buttons.length; i += 1) {
        if (buttons[i].getAttribute("data-keys").indexOf(key) >= 0) {
          event.preventDefault();
          if (form && window.fetch) act(buttons[i]); else buttons[i].click();
          return;
        }
      }
    }
  });

  var FIELDS = { text: ".body", author: ".meta .who", email: ".meta .email", ip: ".meta .ip", page: ".meta .page" };

  function highlight(list) {
    var needle = (list.getAttribute("data-highlight") || "").trim();
    var where = FIELDS[list.getAttribute("data-field")];
    if (!needle || !where) return;
    var ip = list.getAttribute("data-field") === "ip";  // an IP search matches the start only
    var pattern = new RegExp((ip ? "^" : "") + needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi");
    list.querySelectorAll(where).forEach(function (root) {
      var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      var nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      nodes.forEach(function (node) {
        var text = node.nodeValue, last = 0, found = null, m;
        pattern.lastIndex = 0;
        while ((m = pattern.exec(text)) && m[0]) {
          found = found || document.createDocumentFragment();
          found.appendChild(document.createTextNode(text.slice(last, m.index)));
          var mark = document.createElement("mark");
          mark.textContent = m[0];
          found.appendChild(mark);
          last = m.index + m[0].length;
        }
        if (!found) return;
        found.appendChild(document.createTextNode(text.slice(last)));
        node.parentNode.replaceChild(found, node);
      });
    });
  }

  var results = document.querySelector(".comments[data-highlight]");
  if (results) highlight(results);
  updateSelection();
})();
