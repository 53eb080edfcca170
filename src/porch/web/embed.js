/*! porch comment widget — vanilla JS, no dependencies, no third-party requests.
 *
 * <script src="https://comments.example.org/js/embed.js" data-porch-site="SITE" async></script>
 * <div id="porch-thread"></div>
 *
 * Optional on the script tag: data-porch-lang (en de fr es pt; default <html lang>), data-porch-uri
 * (default location.pathname), data-porch-css="false" (bring your own stylesheet).
 * Count links anywhere on the page: <a href="/post#comments" data-porch-count="/post"></a>, filled
 * in by one call to /api/v1/counts.
 *
 * Comment HTML comes from the server already rendered and sanitised (Markdown, raw HTML off, nh3);
 * everything else the readers typed (names, websites) is set as text or a checked http(s) href.
 * Edit tokens live in localStorage (key "porch:SITE"), sent as Authorization: Bearer, because a
 * cross-site widget cannot count on its cookie. Errors keep the typed text and say what happened.
 */
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
      "Your email address will not be published.", "Markdown works: *italic*, **bold**, [link](https://…), `code`. HTML is shown as text.",
      "Your comment is too long: at most {n} characters.", "Too many comments in a short time. Please wait a minute and try again; your text is kept.",
      "The comment server cannot be reached. Your text is kept; please try again later.", "Could not post: {m}",
      "Your comment was posted.", "Comment deleted.", "This site uses porch to reduce spam.",
      "Learn how your comment data is processed.", "Leave this field empty", "Delete this comment?", "Anonymous",
      "Comments", "(required)", "Replying to {a}", "Posting…", "Notify me of replies by email (you confirm first)"],
    de: ["{n} Kommentare", "1 Kommentar", "Schreibe einen Kommentar", "Name", "E-Mail", "Website", "Kommentar", "Kommentar abschicken",
      "Antworten", "Antwort abbrechen", "Bearbeiten", "Löschen", "Speichern", "Abbrechen", "Gefällt mir", "Weitere Kommentare laden", "Sortieren",
      "Älteste", "Neueste", "Beliebteste", "Dein Kommentar wartet auf Freischaltung.",
      "Deine E-Mail-Adresse wird nicht veröffentlicht.", "Markdown geht: *kursiv*, **fett**, [Link](https://…), `Code`. HTML wird als Text gezeigt.",
      "Dein Kommentar ist zu lang: höchstens {n} Zeichen.", "Zu viele Kommentare in kurzer Zeit. Bitte warte eine Minute; dein Text bleibt erhalten.",
      "Der Kommentar-Server ist nicht erreichbar. Dein Text bleibt erhalten; bitte versuche es später noch einmal.", "Nicht gesendet: {m}",
      "Dein Kommentar wurde veröffentlicht.", "Kommentar gelöscht.", "Diese Website verwendet porch, um Spam zu reduzieren.",
      "Erfahre, wie deine Kommentardaten verarbeitet werden.", "Dieses Feld leer lassen", "Diesen Kommentar löschen?", "Anonym",
      "Kommentare", "(Pflichtfeld)", "Antwort an {a}", "Wird gesendet…", "Benachrichtige mich per E-Mail über Antworten (nach Bestätigung)"],
    fr: ["{n} commentaires", "1 commentaire", "Laisser un commentaire", "Nom", "E-mail", "Site web", "Commentaire", "Publier le commentaire",
      "Répondre", "Annuler la réponse", "Modifier", "Supprimer", "Enregistrer", "Annuler", "J'aime", "Charger plus de commentaires", "Trier par",
      "Plus anciens", "Plus récents", "Plus aimés", "Votre commentaire est en attente de modération.",
      "Votre adresse e-mail ne sera pas publiée.", "Markdown accepté : *italique*, **gras**, [lien](https://…), `code`. Le HTML s'affiche tel quel.",
      "Votre commentaire est trop long : {n} caractères au plus.", "Trop de commentaires en peu de temps. Attendez une minute ; votre texte est conservé.",
      "Le serveur de commentaires est injoignable. Votre texte est conservé ; réessayez plus tard.", "Échec de l'envoi : {m}",
      "Votre commentaire a été publié.", "Commentaire supprimé.", "Ce site utilise porch pour réduire les indésirables.",
      "En savoir plus sur la façon dont les données de vos commentaires sont traitées.", "Laissez ce champ vide", "Supprimer ce commentaire ?", "Anonyme",
      "Commentaires", "(obligatoire)", "Réponse à {a}", "Envoi…", "M'avertir des réponses par e-mail (après confirmation)"],
    es: ["{n} comentarios", "1 comentario", "Deja una respuesta", "Nombre", "Correo electrónico", "Web", "Comentario", "Publicar el comentario",
      "Responder", "Cancelar respuesta", "Editar", "Borrar", "Guardar", "Cancelar", "Me gusta", "Cargar más comentarios", "Ordenar por",
      "Más antiguos", "Más recientes", "Más valorados", "Tu comentario está pendiente de moderación.",
      "Tu dirección de correo electrónico no será publicada.", "Puedes usar Markdown: *cursiva*, **negrita**, [enlace](https://…), `código`. El HTML se muestra como texto.",
      "Tu comentario es demasiado largo: como máximo {n} caracteres.", "Demasiados comentarios en poco tiempo. Espera un minuto; tu texto se conserva.",
      "No se puede contactar con el servidor de comentarios. Tu texto se conserva; inténtalo más tarde.", "No se pudo publicar: {m}",
      "Tu comentario se ha publicado.", "Comentario borrado.", "Este sitio usa porch para reducir el spam.",
      "Aprende cómo se procesan los datos de tus comentarios.", "Deja este campo vacío", "¿Borrar este comentario?", "Anónimo",
      "Comentarios", "(obligatorio)", "Respuesta a {a}", "Publicando…", "Avisarme de las respuestas por correo (tras confirmar)"],
    pt: ["{n} comentários", "1 comentário", "Deixe uma resposta", "Nome", "Email", "Site", "Comentário", "Publicar comentário",
      "Responder", "Cancelar resposta", "Editar", "Apagar", "Guardar", "Cancelar", "Gosto", "Carregar mais comentários", "Ordenar por",
      "Mais antigos", "Mais recentes", "Mais gostados", "O seu comentário aguarda moderação.",
      "O seu endereço de email não será publicado.", "Pode usar Markdown: *itálico*, **negrito**, [ligação](https://…), `código`. HTML aparece como texto.",
      "O seu comentário é demasiado longo: no máximo {n} caracteres.", "Demasiados comentários em pouco tempo. Aguarde um minuto; o seu texto é mantido.",
      "Não é possível contactar o servidor de comentários. O seu texto é mantido; tente mais tarde.", "Não foi possível publicar: {m}",
      "O seu comentário foi publicado.", "Comentário apagado.", "Este site utiliza o porch para reduzir spam.",
      "Saiba como são processados os dados dos seus comentários.", "Deixe este campo vazio", "Apagar este comentário?", "Anónimo",
      "Comentários", "(obrigatório)", "Resposta a {a}", "A publicar…", "Avisar-me de respostas por email (após confirmação)"]
  };
  var K = ["many", "one", "leave", "name", "email", "website", "comment", "post", "reply", "cancelReply", "edit", "del",
    "save", "cancel", "like", "more", "sort", "oldest", "newest", "top", "pending", "emailNote", "md", "tooLong", "rate",
    "down", "failed", "posted", "deleted", "uses", "learn", "hp", "confirm", "anon", "comments", "required", "replying", "posting",
    "notify"];
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
  var heading, list, moreBtn, status, form, fields = {}, error, submit, cancelBtn, parentId = null, replyFrom = null;

  function announce(msg) { status.textContent = ""; setTimeout(function () { status.textContent = msg; }, 30); }

  function time(iso) {
    var d = new Date(iso);
    return el("time", { datetime: iso, text: isNaN(d) ? iso : d.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" }) });
  }

  function within(c) {
    return (Date.now() - new Date(c.created).getTime()) / 1000 < (conf.edit_window_seconds || 0);
  }

  function commentNode(c) {
    var own = !!tokenOf(c.id);
    var name = c.author || t("anon");
    var who = c.website && /^https?:\/\//i.test(c.website)
      ? el("a", { href: c.website, rel: "nofollow ugc noopener", text: name }) : el("span", { text: name });
    var body = el("div", { "class": "porch-body" });
    body.innerHTML = c.html; /* rendered and sanitised by the server */
    var actions = el("div", { "class": "porch-actions" });
    var li = el("li", { "class": "porch-comment" + (c.status !== "approved" ? " porch-" + c.status : ""),
      id: "porch-comment-" + c.id, tabindex: "-1" }, [
      el("article", { "aria-label": name }, [
        el("header", {}, [el("strong", { "class": "porch-author" }, [who]), " ", time(c.created)]),
        c.status === "pending" || c.status === "spam" ? el("p", { "class": "porch-pending", text: t("pending") }) : null,
        body, actions])
    ]);
    if (c.status === "approved") {
      var liked = (store.read().likes || {})[c.id];
      var like = el("button", { type: "button", "class": "porch-like", "aria-pressed": liked ? "true" : "false" },
        [t("like") + " ", el("span", { text: String(c.likes || 0) })]);
      like.addEventListener("click", function () {
        request("POST", "/comments/" + c.id + "/like").then(function (d) {
          like.lastChild.textContent = String(d.likes);
          like.setAttribute("aria-pressed", d.liked ? "true" : "false");
          var s = store.read(); s.likes = s.likes || {}; if (d.liked) s.likes[c.id] = 1; else delete s.likes[c.id]; store.write(s);
        }, function (err) { announce(problem(err)); });
      });
      actions.appendChild(like);
      actions.appendChild(el("button", { type: "button", "class": "porch-reply", text: t("reply"),
        on: { click: function (ev) { openReply(c, li, ev.target); } } }));
    }
    if (own && c.status !== "deleted" && within(c)) {
      actions.appendChild(el("button", { type: "button", text: t("edit"), on: { click: function () { edit(c, li, body); } } }));
      actions.appendChild(el("button", { type: "button", text: t("del"), on: { click: function () { remove(c, li); } } }));
    }
    var replies = el("ol", { "class": "porch-replies" });
    (c.replies || []).forEach(function (r) { replies.appendChild(commentNode(r)); });
    li.appendChild(replies);
    rendered[c.id] = li;
    return li;
  }

  function edit(c, li, body) {
    var token = tokenOf(c.id);
    request("GET", "/comments/" + c.id, null, token).then(function (full) {
      var id = "porch-edit-" + c.id;
      var area = el("textarea", { id: id, rows: "5" });
      area.value = full.text || "";
      var err = el("p", { "class": "porch-error", role: "alert" });
      var box = el("div", { "class": "porch-editing" }, [
        el("label", { "for": id, text: t("edit") }), area, err,
        el("button", { type: "button", text: t("save"), on: { click: function () {
          request("PATCH", "/comments/" + c.id, { text: area.value }, token).then(function (d) {
            body.innerHTML = d.html; box.remove(); body.hidden = false; announce(t("posted"));
            if (d.status !== "approved") body.before(el("p", { "class": "porch-pending", text: t("pending") }));
          }, function (e) { err.textContent = problem(e); });
        } } }),
        el("button", { type: "button", text: t("cancel"), on: { click: function () { box.remove(); body.hidden = false; } } })
      ]);
      body.hidden = true;
      body.after(box);
      area.focus();
    }, function (e) { announce(problem(e)); });
  }

  function remove(c, li) {
    if (!window.confirm(t("confirm"))) return;
    request("DELETE", "/comments/" + c.id, null, tokenOf(c.id)).then(function () {
      forget(c.id); li.remove(); delete rendered[c.id]; announce(t("deleted"));
      if (c.status === "approved") setTotal(total - 1);
    }, function (e) { announce(problem(e)); });
  }

  function setTotal(n) { total = Math.max(0, n); heading.textContent = count(total); }

  function openReply(c, li, button) {
    parentId = c.id; replyFrom = button;
    li.querySelector("article").after(form);
    form.querySelector(".porch-replying").textContent = t("replying", { a: c.author || t("anon") });
    cancelBtn.hidden = false;
    fields.text.focus();
  }

  function closeReply() {
    parentId = null;
    root.appendChild(form);
    form.querySelector(".porch-replying").textContent = "";
    cancelBtn.hidden = true;
    if (replyFrom) replyFrom.focus();
    replyFrom = null;
  }

  function load(more) {
    var q = "/comments?site=" + encodeURIComponent(site) + "&uri=" + encodeURIComponent(uri) + "&limit=50" +
      (sort ? "&sort=" + sort : "") + (more && cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    return request("GET", q).then(function (d) {
      if (!more) { list.textContent = ""; rendered = {}; }
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
      "aria-describedby": "porch-error" }, type === "textarea" ? { rows: "6" } : { type: type }, extra || {}));
    fields[name] = input;
    return el("p", { "class": "porch-field" }, [
      el("label", { "for": id }, [label, required ? el("span", { "class": "porch-req", "aria-hidden": "true", text: " *" }) : null]),
      input]);
  }

  function build() {
    root.classList.add("porch");
    root.setAttribute("lang", lang);
    heading = el("h2", { "class": "porch-count", id: "porch-count", text: t("comments") });
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
      on: { click: closeReply } });
    var hp = el("div", { "class": "porch-hp", "aria-hidden": "true" }, [
      el("label", { "for": "porch-hp", text: t("hp") }),
      el("input", { id: "porch-hp", name: conf.honeypot || "hp", type: "text", tabindex: "-1", autocomplete: "off" })]);
    form = el("form", { "class": "porch-form", "aria-labelledby": "porch-leave" }, [
      el("h3", { id: "porch-leave", text: t("leave") }),
      el("p", { "class": "porch-replying", "aria-live": "polite" }),
      el("p", { "class": "porch-note", text: t("emailNote") }),
      field("text", t("comment"), "textarea", true, { maxlength: conf.max_length || null }),
      el("p", { "class": "porch-md", id: "porch-md", text: t("md") }),
      field("author", t("name"), "text", !!conf.require_name, { autocomplete: "name", maxlength: "200" }),
      field("email", t("email"), "email", !!conf.require_email, { autocomplete: "email", maxlength: "254" }),
      field("website", t("website"), "url", false, { autocomplete: "url", maxlength: "2000", placeholder: "https://" }),
      conf.notify ? el("p", { "class": "porch-check" }, [fields.notify = el("input", { id: "porch-notify", type: "checkbox" }),
        " ", el("label", { "for": "porch-notify", text: t("notify") })]) : null,
      hp, error,
      el("p", { "class": "porch-buttons" }, [submit, " ", cancelBtn]),
      el("p", { "class": "porch-privacy" }, [t("uses") + " ",
        el("a", { href: conf.privacy_url || base + "/privacy/" + encodeURIComponent(site), text: t("learn") })])
    ]);
    fields.text.setAttribute("aria-describedby", "porch-error porch-md");
    form.addEventListener("submit", send);
    root.textContent = "";
    root.appendChild(el("section", { "aria-labelledby": "porch-count" }, [heading,
      el("p", { "class": "porch-sortbar" }, [el("label", { "for": "porch-sort", text: t("sort") }), " ", select]),
      list, moreBtn, status]));
    root.appendChild(form);
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
      var node = place({ id: made.id, parent: made.parent, status: made.status, created: made.created,
        author: body.author.trim(), website: made.status === "approved" ? site_url : null, html: made.html, likes: 0 });
      fields.text.value = "";
      if (made.status === "approved") setTotal(total + 1);
      if (parentId) closeReply();
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
