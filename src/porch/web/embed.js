/*! porch comment widget: vanilla JS, no dependencies, no third-party requests. See docs/embed.md.
 * <div id="porch-thread"></div> <script src="https://PORCH/js/embed.js" data-porch-site="SITE" async></script>
 * Comment HTML comes rendered and sanitised by the server; names and websites are set as text or a checked
 * http(s) href. Edit tokens (and, only while "Remember me" is ticked, name, e-mail and website) live in
 * localStorage "porch:SITE": a cross-site widget cannot count on its cookie. Light or dark follows the page
 * itself (the first opaque background above the thread, else its text colour), not only the system. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-porch-site]");
  if (!script) return;
  var ds = script.dataset;
  var base = script.src.replace(/\/js\/embed\.js(\?.*)?$/, "");
  var site = ds.porchSite;
  var uri = ds.porchUri || location.pathname;
  var lang = (ds.porchLang || document.documentElement.lang || "en").slice(0, 2).toLowerCase();
  var api = base + "/api/v1";

  var L = {
    en: ["{n} comments", "1 comment", "Leave a Reply", "Name", "Email", "Website", "Comment", "Post Comment",
      "Reply", "Cancel reply", "Edit", "Delete", "Save", "Cancel", "Like", "Load more comments", "Sort by",
      "Oldest", "Newest", "Most liked", "Your comment is awaiting moderation.",
      "Your email address will not be published.", "Markdown works: *italic*, **bold**, [link](https://…), `code`, > quote. Images are shown as links, HTML as text.",
      "Your comment is too long: at most {n} characters.", "Too many comments in a short time. Please wait a minute and try again; your text is kept.",
      "The comment server cannot be reached. Your text is kept; please try again later.", "Could not post: {m}",
      "Your comment was posted.", "Comment deleted.", "This site uses porch to reduce spam.",
      "Learn how your comment data is processed.", "Leave this field empty", "Delete this comment?", "Anonymous",
      "Comments", "(required)", "Replying to {a}", "Posting…", "Notify me of replies by email (you confirm first)",
      "Remember me in this browser", "Your changes were saved.", "Moderator", "edited", "This comment was deleted."],
    de: ["{n} Kommentare", "1 Kommentar", "Schreibe einen Kommentar", "Name", "E-Mail", "Website", "Kommentar", "Kommentar abschicken",
      "Antworten", "Antwort abbrechen", "Bearbeiten", "Löschen", "Speichern", "Abbrechen", "Gefällt mir", "Weitere Kommentare laden", "Sortieren",
      "Älteste", "Neueste", "Beliebteste", "Dein Kommentar wartet auf Freischaltung.",
      "Deine E-Mail-Adresse wird nicht veröffentlicht.", "Markdown geht: *kursiv*, **fett**, [Link](https://…), `Code`, > Zitat. Bilder erscheinen als Links, HTML als Text.",
      "Dein Kommentar ist zu lang: höchstens {n} Zeichen.", "Zu viele Kommentare in kurzer Zeit. Bitte warte eine Minute; dein Text bleibt erhalten.",
      "Der Kommentar-Server ist nicht erreichbar. Dein Text bleibt erhalten; bitte versuche es später noch einmal.", "Nicht gesendet: {m}",
      "Dein Kommentar wurde veröffentlicht.", "Kommentar gelöscht.", "Diese Website verwendet porch, um Spam zu reduzieren.",
      "Erfahre, wie deine Kommentardaten verarbeitet werden.", "Dieses Feld leer lassen", "Diesen Kommentar löschen?", "Anonym",
      "Kommentare", "(Pflichtfeld)", "Antwort an {a}", "Wird gesendet…", "Benachrichtige mich per E-Mail über Antworten (nach Bestätigung)",
      "In diesem Browser merken", "Deine Änderungen wurden gespeichert.", "Moderation", "bearbeitet", "Dieser Kommentar wurde gelöscht."],
    fr: ["{n} commentaires", "1 commentaire", "Laisser un commentaire", "Nom", "E-mail", "Site web", "Commentaire", "Publier le commentaire",
      "Répondre", "Annuler la réponse", "Modifier", "Supprimer", "Enregistrer", "Annuler", "J'aime", "Charger plus de commentaires", "Trier par",
      "Plus anciens", "Plus récents", "Plus aimés", "Votre commentaire est en attente de modération.",
      "Votre adresse e-mail ne sera pas publiée.", "Markdown accepté : *italique*, **gras**, [lien](https://…), `code`, > citation. Les images s'affichent comme liens, le HTML tel quel.",
      "Votre commentaire est trop long : {n} caractères au plus.", "Trop de commentaires en peu de temps. Attendez une minute ; votre texte est conservé.",
      "Le serveur de commentaires est injoignable. Votre texte est conservé ; réessayez plus tard.", "Échec de l'envoi : {m}",
      "Votre commentaire a été publié.", "Commentaire supprimé.", "Ce site utilise porch pour réduire les indésirables.",
      "En savoir plus sur la façon dont les données de vos commentaires sont traitées.", "Laissez ce champ vide", "Supprimer ce commentaire ?", "Anonyme",
      "Commentaires", "(obligatoire)", "Réponse à {a}", "Envoi…", "M'avertir des réponses par e-mail (après confirmation)",
      "Se souvenir de moi dans ce navigateur", "Vos modifications ont été enregistrées.", "Modération", "modifié", "Ce commentaire a été supprimé."],
    es: ["{n} comentarios", "1 comentario", "Deja una respuesta", "Nombre", "Correo electrónico", "Web", "Comentario", "Publicar el comentario",
      "Responder", "Cancelar respuesta", "Editar", "Borrar", "Guardar", "Cancelar", "Me gusta", "Cargar más comentarios", "Ordenar por",
      "Más antiguos", "Más recientes", "Más valorados", "Tu comentario está pendiente de moderación.",
      "Tu dirección de correo electrónico no será publicada.", "Puedes usar Markdown: *cursiva*, **negrita**, [enlace](https://…), `código`, > cita. Las imágenes se muestran como enlaces y el HTML como texto.",
      "Tu comentario es demasiado largo: como máximo {n} caracteres.", "Demasiados comentarios en poco tiempo. Espera un minuto; tu texto se conserva.",
      "No se puede contactar con el servidor de comentarios. Tu texto se conserva; inténtalo más tarde.", "No se pudo publicar: {m}",
      "Tu comentario se ha publicado.", "Comentario borrado.", "Este sitio usa porch para reducir el spam.",
      "Aprende cómo se procesan los datos de tus comentarios.", "Deja este campo vacío", "¿Borrar este comentario?", "Anónimo",
      "Comentarios", "(obligatorio)", "Respuesta a {a}", "Publicando…", "Avisarme de las respuestas por correo (tras confirmar)",
      "Recordarme en este navegador", "Tus cambios se han guardado.", "Moderación", "editado", "Este comentario se ha borrado."],
    pt: ["{n} comentários", "1 comentário", "Deixe uma resposta", "Nome", "Email", "Site", "Comentário", "Publicar comentário",
      "Responder", "Cancelar resposta", "Editar", "Apagar", "Guardar", "Cancelar", "Gosto", "Carregar mais comentários", "Ordenar por",
      "Mais antigos", "Mais recentes", "Mais gostados", "O seu comentário aguarda moderação.",
      "O seu endereço de email não será publicado.", "Pode usar Markdown: *itálico*, **negrito**, [ligação](https://…), `código`, > citação. Imagens aparecem como ligações e HTML como texto.",
      "O seu comentário é demasiado longo: no máximo {n} caracteres.", "Demasiados comentários em pouco tempo. Aguarde um minuto; o seu texto é mantido.",
      "Não é possível contactar o servidor de comentários. O seu texto é mantido; tente mais tarde.", "Não foi possível publicar: {m}",
      "O seu comentário foi publicado.", "Comentário apagado.", "Este site utiliza o porch para reduzir spam.",
      "Saiba como são processados os dados dos seus comentários.", "Deixe este campo vazio", "Apagar este comentário?", "Anónimo",
      "Comentários", "(obrigatório)", "Resposta a {a}", "A publicar…", "Avisar-me de respostas por email (após confirmação)",
      "Lembrar-me neste navegador", "As suas alterações foram guardadas.", "Moderação", "editado", "Este comentário foi apagado."]
  };
  var K = ["many", "one", "leave", "name", "email", "website", "comment", "post", "reply", "cancelReply", "edit", "del",
    "save", "cancel", "like", "more", "sort", "oldest", "newest", "top", "pending", "emailNote", "md", "tooLong", "rate",
    "down", "failed", "posted", "deleted", "uses", "learn", "hp", "confirm", "anon", "comments", "required", "replying", "posting",
    "notify", "remember", "saved", "mod", "edited", "gone"];
  if (!L[lang]) lang = "en";
  var S = {};
  K.forEach(function (k, i) { S[k] = L[lang][i]; });
  function t(k, v) { return S[k].replace(/\{(\w)\}/g, function (_, x) { return v && v[x] != null ? v[x] : ""; }); }
  function count(n) { return n === 1 || (lang === "fr" && n === 0) ? t("one") : t("many", { n: n }); }

  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    for (var a in attrs || {}) {
      if (a === "text") node.textContent = attrs[a];
      else if (a === "on") for (var e in attrs.on) node.addEventListener(e, attrs.on[e]);
      else if (attrs[a] !== null && attrs[a] !== false) node.setAttribute(a, attrs[a] === true ? "" : attrs[a]);
    }
    (kids || []).forEach(function (k) { if (k) node.appendChild(typeof k === "string" ? document.createTextNode(k) : k); });
    return node;
  }

  var store = {
    key: "porch:" + site,
    read: function () { try { return JSON.parse(localStorage.getItem(this.key)) || {}; } catch (e) { return {}; } },
    write: function (v) { try { localStorage.setItem(this.key, JSON.stringify(v)); } catch (e) { /* private mode */ } }
  };
  function mine() { return store.read().tokens || {}; }
  function remember(id, token) { var s = store.read(); s.tokens = s.tokens || {}; s.tokens[id] = [token, uri]; store.write(s); }
  function forget(id) { var s = store.read(); if (s.tokens) delete s.tokens[id]; store.write(s); }
  function tokenOf(id) { var v = mine()[id]; return v ? v[0] : null; }
  function keep(me) { var s = store.read(); if (me) s.me = me; else delete s.me; store.write(s); }

  function request(method, path, body, token) {
    var headers = {};
    if (body) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = "Bearer " + token;
    return fetch(api + path, { method: method, headers: headers, credentials: "include",
      body: body ? JSON.stringify(body) : undefined }).then(function (r) {
      return r.text().then(function (txt) {
        var data = null;
        try { data = JSON.parse(txt); } catch (e) { data = { detail: txt }; }
        if (!r.ok) { var err = new Error("http"); err.status = r.status; err.data = data; throw err; }
        return data;
      });
    });
  }

  function problem(err) {
    if (!err.status) return t("down");
    if (err.status === 413) return t("tooLong", { n: conf.max_length || "" });
    if (err.status === 429) return t("rate");
    var d = err.data && err.data.detail;
    if (Array.isArray(d)) d = d.map(function (x) { return x.msg; }).join("; ");
    return t("failed", { m: d || err.status });
  }

  /* counts for article lists: one call */
  function counts() {
    var links = document.querySelectorAll("[data-porch-count]");
    if (!links.length) return;
    var q = [];
    links.forEach(function (a) { q.push("uri=" + encodeURIComponent(a.getAttribute("data-porch-count"))); });
    request("GET", "/counts?site=" + encodeURIComponent(site) + "&" + q.slice(0, 100).join("&")).then(function (d) {
      links.forEach(function (a) { var n = d.counts[a.getAttribute("data-porch-count")]; if (n != null) a.textContent = count(n); });
    }, function () {});
  }

  var root = document.getElementById("porch-thread");
  var conf = {}, sort = null, cursor = null, total = 0, rendered = {};
  var heading, list, moreBtn, status, form, title, fields = {}, error, submit, cancelBtn, parentId = null, replyFrom = null;

  function announce(msg) { status.textContent = ""; setTimeout(function () { status.textContent = msg; }, 30); }

  /* light or dark, from the page: the first opaque background above the thread, else its text colour */
  function lum(c) {
    var m = (c || "").match(/[\d.]+/g);
    return m && (m.length < 4 || +m[3] > 0.5) ? (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255 : -1;
  }
  function theme() {
    var dark = ds.porchTheme === "dark", n = root.parentElement, l = -1;
    if (ds.porchTheme !== "light" && !dark) {
      for (; n && l < 0; n = n.parentElement) l = lum(getComputedStyle(n).backgroundColor);
      dark = l < 0 ? lum(getComputedStyle(root.parentElement).color) > 0.5 : l < 0.5;
    }
    root.setAttribute("data-porch-theme", dark ? "dark" : "light");
  }
  function follow() {
    var again = function () { theme(); setTimeout(theme, 400); /* after a page's own colour transition */ };
    if (window.MutationObserver) {
      var mo = new MutationObserver(again);
      [document.documentElement, document.body].forEach(function (n) { mo.observe(n, { attributes: true }); });
    }
    if (window.matchMedia) matchMedia("(prefers-color-scheme: dark)").addEventListener("change", again);
  }

  /* "3 hours ago", with the full date on hover */
  var rtf = window.Intl && Intl.RelativeTimeFormat && new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  var UNITS = [["year", 31536e3], ["month", 2592e3], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
  function ago(d) {
    var s = Math.min(0, (d - Date.now()) / 1000);
    if (!rtf) return d.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
    for (var i = 0; i < UNITS.length; i++) if (-s >= UNITS[i][1]) return rtf.format(Math.trunc(s / UNITS[i][1]), UNITS[i][0]);
    return rtf.format(0, "second");
  }
  function time(iso) {
    var d = new Date(iso);
    if (isNaN(d)) return el("time", { text: iso });
    return el("time", { datetime: iso, title: d.toLocaleString(lang, { dateStyle: "full", timeStyle: "short" }), text: ago(d) });
  }

  function within(c) {
    return (Date.now() - new Date(c.created).getTime()) / 1000 < (conf.edit_window_seconds || 0);
  }

  var HEART = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 20.3s-7.6-4.6-9.4-9.2C1.3 7.6 3.5 4.2 7 4.2c2 0 3.6 1.1 5 2.9 1.4-1.8 3-2.9 5-2.9 3.5 0 5.7 3.4 4.4 6.9-1.8 4.6-9.4 9.2-9.4 9.2z"/></svg>';
  function icon(svg) { var w = el("span"); w.innerHTML = svg; return w.firstChild; }

  /* the site's generated picture of the commenter; a letter when there is no e-mail to draw from */
  function avatar(c, name) {
    if (!("avatar" in c)) return null;
    if (c.avatar) return el("img", { "class": "porch-avatar", src: api + "/avatars/" + c.avatar + ".svg", alt: "",
      width: "40", height: "40", loading: "lazy" });
    return el("span", { "class": "porch-avatar" + (c.moderator ? " porch-avatar-site" : ""), "aria-hidden": "true",
      text: (Array.from(name.trim())[0] || "").toUpperCase() });
  }

  function commentNode(c) {
    var own = !!tokenOf(c.id), gone = c.status === "deleted", held = c.status === "pending" || c.status === "spam";
    var name = c.author || t("anon");
    var who = c.website && /^https?:\/\//i.test(c.website)
      ? el("a", { href: c.website, rel: "nofollow ugc noopener", text: name }) : el("span", { text: name });
    var body = el("div", { "class": "porch-body" });
    if (gone) body.textContent = t("gone"); else body.innerHTML = c.html; /* rendered and sanitised by the server */
    var actions = el("div", { "class": "porch-actions" });
    var pic = avatar(c, gone ? "" : name);
    var article = el("article", { "aria-label": gone ? t("gone") : name, "class": pic ? "porch-has-avatar" : null }, [
      pic,
      el("header", { "class": "porch-meta" }, [
        gone ? null : el("strong", { "class": "porch-author" }, [who]),
        c.moderator ? el("span", { "class": "porch-badge", text: t("mod") }) : null,
        el("a", { "class": "porch-date", href: "#porch-comment-" + c.id }, [time(c.created)]),
        c.modified && !gone ? el("span", { "class": "porch-edited", text: t("edited") }) : null]),
      held ? el("p", { "class": "porch-pending", text: t("pending") }) : null,
      body, actions]);
    var li = el("li", { "class": "porch-comment" + (gone ? " porch-deleted" : held ? " porch-held" : ""),
      id: "porch-comment-" + c.id, tabindex: "-1" }, [article]);
    if (c.status === "approved") {
      var liked = (store.read().likes || {})[c.id], n = el("span", { text: String(c.likes || 0) });
      var like = el("button", { type: "button", "class": "porch-like", "aria-pressed": liked ? "true" : "false" },
        [icon(HEART), el("span", { "class": "porch-sr", text: t("like") }), " ", n]);
      like.addEventListener("click", function () {
        request("POST", "/comments/" + c.id + "/like").then(function (d) {
          n.textContent = String(d.likes);
          like.setAttribute("aria-pressed", d.liked ? "true" : "false");
          var s = store.read(); s.likes = s.likes || {}; if (d.liked) s.likes[c.id] = 1; else delete s.likes[c.id]; store.write(s);
        }, function (err) { announce(problem(err)); });
      });
      actions.appendChild(like);
      actions.appendChild(el("button", { type: "button", "class": "porch-reply", "aria-expanded": "false", text: t("reply"),
        on: { click: function (ev) { openReply(c, li, ev.currentTarget); } } }));
    }
    if (own && !gone && within(c)) {
      actions.appendChild(el("button", { type: "button", "class": "porch-edit", "aria-expanded": "false", text: t("edit"),
        on: { click: function (ev) { edit(c, li, body, ev.currentTarget); } } }));
      actions.appendChild(el("button", { type: "button", "class": "porch-delete", text: t("del"),
        on: { click: function () { remove(c, li); } } }));
    }
    var replies = el("ol", { "class": "porch-replies" });
    (c.replies || []).forEach(function (r) { replies.appendChild(commentNode(r)); });
    li.appendChild(replies);
    rendered[c.id] = li;
    return li;
  }

  /* one editor per comment: a second click on Edit goes back to the open one */
  function edit(c, li, body, button) {
    var open = li.querySelector(":scope > article .porch-editing");
    if (open) { open.querySelector("textarea").focus(); return; }
    if (li.porchEditing) return;
    li.porchEditing = true;
    var token = tokenOf(c.id);
    request("GET", "/comments/" + c.id, null, token).then(function (full) {
      var id = "porch-edit-" + c.id, area = el("textarea", { id: id, rows: "5" });
      area.value = full.text || "";
      var err = el("p", { "class": "porch-error", role: "alert" });
      var save = el("button", { type: "button", "class": "porch-submit", text: t("save") });
      var box = el("div", { "class": "porch-editing" }, [el("label", { "for": id, text: t("edit") }), area, err,
        el("p", { "class": "porch-buttons" }, [save,
          el("button", { type: "button", "class": "porch-cancel", text: t("cancel"), on: { click: close } })])]);
      function close() {
        box.remove(); body.hidden = false; li.porchEditing = false;
        button.setAttribute("aria-expanded", "false"); button.focus();
      }
      save.addEventListener("click", function () {
        save.disabled = true;
        request("PATCH", "/comments/" + c.id, { text: area.value }, token).then(function (d) {
          var note = li.querySelector(":scope > article .porch-pending");
          body.innerHTML = d.html;
          close();
          if (d.status === "approved") { if (note) note.remove(); announce(t("saved")); }
          else {
            /* the edit sent it back to the moderators: it left the public thread */
            if (!note) body.before(el("p", { "class": "porch-pending", text: t("pending") }));
            if (c.status === "approved") setTotal(total - 1);
            li.classList.add("porch-held");
            li.querySelectorAll(":scope > article .porch-like, :scope > article .porch-reply").forEach(function (b) { b.remove(); });
            announce(t("pending"));
          }
          c.status = d.status;
        }, function (e) { err.textContent = problem(e); }).then(function () { save.disabled = false; });
      });
      box.addEventListener("keydown", function (ev) { if (ev.key === "Escape") close(); });
      body.hidden = true;
      body.after(box);
      button.setAttribute("aria-expanded", "true");
      area.focus();
    }, function (e) { li.porchEditing = false; announce(problem(e)); });
  }

  /* after a delete the focus goes to the comment next to it, else its parent, else the count */
  function remove(c, li) {
    if (!window.confirm(t("confirm"))) return;
    request("DELETE", "/comments/" + c.id, null, tokenOf(c.id)).then(function (d) {
      forget(c.id);
      if (li.contains(form)) closeReply(true);
      if (c.status === "approved") setTotal(total - 1);
      var next = li;
      if (d.status === "deleted") { /* its replies stay, under a placeholder */
        li.querySelector(":scope > article").replaceWith(commentNode({ id: c.id, status: "deleted", created: c.created })
          .querySelector("article"));
        li.className = "porch-comment porch-deleted";
        rendered[c.id] = li;
      } else {
        next = li.nextElementSibling || li.previousElementSibling || li.parentNode.closest(".porch-comment") || heading;
        li.remove();
        delete rendered[c.id];
      }
      next.focus();
      announce(t("deleted"));
    }, function (e) { announce(problem(e)); });
  }

  function setTotal(n) { total = Math.max(0, n); heading.textContent = count(total); }

  /* the reply form opens in place, under the comment; Reply again, Cancel or Escape puts it back */
  function openReply(c, li, button) {
    if (parentId === c.id) { closeReply(); return; }
    if (replyFrom) replyFrom.setAttribute("aria-expanded", "false");
    parentId = c.id; replyFrom = button;
    button.setAttribute("aria-expanded", "true");
    li.querySelector(":scope > article").after(form);
    title.textContent = t("replying", { a: c.author || t("anon") });
    form.classList.add("porch-form-reply");
    cancelBtn.hidden = false;
    fields.text.focus();
  }

  function closeReply(stay) {
    if (parentId === null) return;
    parentId = null;
    root.appendChild(form);
    title.textContent = t("leave");
    form.classList.remove("porch-form-reply");
    cancelBtn.hidden = true;
    if (replyFrom) { replyFrom.setAttribute("aria-expanded", "false"); if (!stay) replyFrom.focus(); }
    replyFrom = null;
  }

  function load(more) {
    var q = "/comments?site=" + encodeURIComponent(site) + "&uri=" + encodeURIComponent(uri) + "&limit=50" +
      (sort ? "&sort=" + sort : "") + (more && cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    return request("GET", q).then(function (d) {
      if (!more) { if (parentId !== null) closeReply(true); list.textContent = ""; rendered = {}; }
      d.comments.forEach(function (c) { list.appendChild(commentNode(c)); });
      cursor = d.cursor; moreBtn.hidden = !cursor;
      setTotal(d.total);
      if (!more) return ownPending();
    }, function (err) { announce(problem(err)); });
  }

  /* the reader's own held comments: the list shows them only with their token */
  function ownPending() {
    var all = mine(), ids = Object.keys(all).filter(function (id) { return all[id][1] === uri && !rendered[id]; });
    ids.slice(-10).forEach(function (id) {
      request("GET", "/comments/" + id, null, all[id][0]).then(function (c) {
        if (c.status === "approved" || rendered[c.id]) return;
        place(c);
      }, function (e) { if (e.status === 404) forget(id); });
    });
  }

  function place(c) {
    var node = commentNode(c), home = c.parent && rendered[c.parent];
    if (home) home.querySelector(".porch-replies").appendChild(node); else list.appendChild(node);
    return node;
  }

  function field(name, label, type, required, extra) {
    var id = "porch-" + name;
    var input = el(type === "textarea" ? "textarea" : "input", Object.assign({ id: id, name: name, required: required,
      "aria-describedby": "porch-error" }, type === "textarea" ? { rows: "5" } : { type: type }, extra || {}));
    fields[name] = input;
    return el("p", { "class": "porch-field" }, [
      el("label", { "for": id }, [label, required ? el("span", { "class": "porch-req", "aria-hidden": "true", text: " *" }) : null]),
      input]);
  }

  function check(id, label) {
    var box = el("input", { id: id, type: "checkbox" });
    return [box, el("p", { "class": "porch-check" }, [box, el("label", { "for": id, text: label })])];
  }

  function build() {
    root.classList.add("porch");
    root.setAttribute("lang", lang);
    theme();
    follow();
    heading = el("h2", { "class": "porch-count", id: "porch-count", tabindex: "-1", text: t("comments") });
    var select = el("select", { id: "porch-sort" }, ["oldest", "newest", "top"].map(function (s) {
      return el("option", { value: s, text: t(s), selected: s === (conf.default_sort || "oldest") });
    }));
    select.addEventListener("change", function () { sort = select.value; load(false); });
    list = el("ol", { "class": "porch-list", "aria-labelledby": "porch-count" });
    moreBtn = el("button", { type: "button", "class": "porch-more", hidden: true, text: t("more"),
      on: { click: function () { load(true); } } });
    status = el("div", { "class": "porch-status", role: "status", "aria-live": "polite" });
    error = el("p", { "class": "porch-error", id: "porch-error", role: "alert" });
    submit = el("button", { type: "submit", "class": "porch-submit", text: t("post") });
    cancelBtn = el("button", { type: "button", "class": "porch-cancel", hidden: true, text: t("cancelReply"),
      on: { click: function () { closeReply(); } } });
    var hp = el("div", { "class": "porch-hp", "aria-hidden": "true" }, [
      el("label", { "for": "porch-hp", text: t("hp") }),
      el("input", { id: "porch-hp", name: conf.honeypot || "hp", type: "text", tabindex: "-1", autocomplete: "off" })]);
    var rem = check("porch-remember", t("remember")), notify = conf.notify ? check("porch-notify", t("notify")) : [];
    fields.remember = rem[0]; fields.notify = notify[0];
    fields.remember.addEventListener("change", function () { if (!fields.remember.checked) keep(null); });
    title = el("h3", { id: "porch-leave", text: t("leave") });
    form = el("form", { "class": "porch-form", "aria-labelledby": "porch-leave" }, [
      title,
      el("p", { "class": "porch-note", text: t("emailNote") }),
      field("text", t("comment"), "textarea", true, { maxlength: conf.max_length || null }),
      el("p", { "class": "porch-md", id: "porch-md", text: t("md") }),
      el("div", { "class": "porch-who" }, [
        field("author", t("name"), "text", !!conf.require_name, { autocomplete: "name", maxlength: "200" }),
        field("email", t("email"), "email", !!conf.require_email, { autocomplete: "email", maxlength: "254" }),
        field("website", t("website"), "url", false, { autocomplete: "url", maxlength: "2000", placeholder: "https://" })]),
      rem[1], notify[1], hp, error,
      el("p", { "class": "porch-buttons" }, [submit, cancelBtn]),
      el("p", { "class": "porch-privacy" }, [t("uses") + " ",
        el("a", { href: conf.privacy_url || base + "/privacy/" + encodeURIComponent(site), text: t("learn") })])
    ]);
    fields.text.setAttribute("aria-describedby", "porch-error porch-md");
    form.addEventListener("submit", send);
    form.addEventListener("keydown", function (ev) { if (ev.key === "Escape" && parentId !== null) closeReply(); });
    var me = store.read().me;
    if (me) {
      fields.author.value = me.author || ""; fields.email.value = me.email || ""; fields.website.value = me.website || "";
      fields.remember.checked = true;
    }
    root.textContent = "";
    root.appendChild(el("section", { "aria-labelledby": "porch-count" }, [
      el("header", { "class": "porch-head" }, [heading,
        el("p", { "class": "porch-sortbar" }, [el("label", { "for": "porch-sort", text: t("sort") }), " ", select])]),
      list, moreBtn, status]));
    root.appendChild(form);
    setInterval(function () {
      root.querySelectorAll("time[datetime]").forEach(function (n) { n.textContent = ago(new Date(n.dateTime)); });
    }, 60000);
  }

  function send(ev) {
    ev.preventDefault();
    error.textContent = "";
    var text = fields.text.value;
    if (conf.max_length && text.length > conf.max_length) { error.textContent = t("tooLong", { n: conf.max_length }); fields.text.focus(); return; }
    var site_url = fields.website.value.trim();
    var body = { site: site, uri: uri, title: document.title.slice(0, 500), parent: parentId,
      author: fields.author.value, email: fields.email.value, website: site_url, text: text,
      hp: form.querySelector("#porch-hp").value, rendered_at: conf.rendered_at,
      notify: !!(fields.notify && fields.notify.checked && fields.email.value.trim()) };
    submit.disabled = true; announce(t("posting"));
    request("POST", "/comments", body).then(function (made) {
      remember(made.id, made.edit_token);
      keep(fields.remember.checked ? { author: body.author.trim(), email: body.email.trim(), website: site_url } : null);
      var c = { id: made.id, parent: made.parent, status: made.status, created: made.created, author: body.author.trim(),
        website: made.status === "approved" ? site_url : null, html: made.html, likes: 0 };
      if ("avatar" in made) c.avatar = made.avatar;
      var node = place(c);
      fields.text.value = "";
      if (made.status === "approved") setTotal(total + 1);
      closeReply(true);
      node.focus();
      announce(made.status === "approved" ? t("posted") : t("pending"));
    }, function (err) {
      error.textContent = problem(err); /* the typed text stays in the form */
      announce(error.textContent);
      fields.text.focus();
    }).then(function () { submit.disabled = false; });
  }

  if (ds.porchCss !== "false" && !document.querySelector("link[data-porch-css]")) {
    document.head.appendChild(el("link", { rel: "stylesheet", href: base + "/js/embed.css", "data-porch-css": "" }));
  }
  counts();
  if (!root || !site) return;
  request("GET", "/sites/" + encodeURIComponent(site) + "/config").then(function (c) { conf = c; }, function () {})
    .then(function () { build(); sort = conf.default_sort || null; if (conf.site) load(false); else announce(t("down")); });
})();
