// sekisho file transfer: uploads with tus 1.0 (creation, PATCH in chunks, resume after a
// dropped connection from the server's Upload-Offset), a progress bar per file, then each
// file's result from the server. Used by the Internet-side upload pages and the portal's
// outbound page. Every text from the server is set with textContent (file names and
// reasons are attacker text).
"use strict";
(function () {
  var root = document.getElementById("upload");
  if (!root) { return; }
  var ja = document.documentElement.lang !== "en";
  var T = ja ? {
    drop: "ここにファイルをドロップ、またはクリックして選択", choose: "ファイルを選択",
    finish: "送信を完了", sending: "送信中…", waiting: "アップロード待ち", uploading: "アップロード中",
    uploaded: "無害化中…", ready: "無害化済み", held: "隔離 (管理者が確認します)", refused: "拒否",
    failed: "失敗", cancelled: "中止", retry: "接続が切れました。再開します…", tooBig: "大きすぎます",
    done: "送信しました。結果は次のとおりです。", error: "エラー", expired: "期限切れ",
    pending: "承認待ち", sent: "送信済み", rejected: "却下", withdrawn: "取り下げ", processing: "処理中", open: "受付中"
  } : {
    drop: "Drop files here, or click to choose", choose: "Choose files",
    finish: "Finish sending", sending: "Sending…", waiting: "waiting", uploading: "uploading",
    uploaded: "sanitizing…", ready: "sanitized", held: "held (an operator will review it)", refused: "refused",
    failed: "failed", cancelled: "cancelled", retry: "Connection lost; resuming…", tooBig: "too large",
    done: "Sent. The results:", error: "error", expired: "expired",
    pending: "waiting for approval", sent: "sent", rejected: "rejected", withdrawn: "withdrawn", processing: "processing", open: "open"
  };
  var CHUNK = 16 * 1024 * 1024;
  var max = parseInt(root.getAttribute("data-max") || "0", 10);
  var uploadURL = null;
  var items = [];
  var active = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  var drop = el("div", "drop", T.drop);
  drop.id = "drop";
  drop.setAttribute("tabindex", "0");
  var input = el("input");
  input.type = "file"; input.multiple = true; input.id = "files"; input.className = "files";
  input.setAttribute("aria-label", T.choose);
  var list = el("ul", "uploads"); list.id = "upload-list";
  var finish = el("button", "primary", T.finish); finish.type = "button"; finish.id = "finish"; finish.disabled = true;
  var summary = el("p", "notice"); summary.id = "summary"; summary.hidden = true;
  var state = el("p", "muted"); state.id = "transfer-state";
  root.appendChild(drop); root.appendChild(input); root.appendChild(list);
  root.appendChild(finish); root.appendChild(summary); root.appendChild(state);

  drop.addEventListener("click", function () { input.click(); });
  drop.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { input.click(); } });
  drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
  drop.addEventListener("drop", function (e) {
    e.preventDefault(); drop.classList.remove("over");
    addFiles(e.dataTransfer.files);
  });
  input.addEventListener("change", function () { addFiles(input.files); input.value = ""; });
  finish.addEventListener("click", done);

  // getUpload returns (once) the transfer's upload URL: a partner's page opens a transfer
  // through its link; a logged-in page asks its own server with the CSRF token.
  var pending = null;
  function getUpload() {
    if (uploadURL) { return Promise.resolve(uploadURL); }
    if (pending) { return pending; }
    var create = root.getAttribute("data-create");
    var req;
    if (create) {
      var who = document.getElementById("sender");
      var q = who && who.value ? "?sender=" + encodeURIComponent(who.value) : "";
      req = fetch(create + q, { method: "POST", credentials: "omit" });
    } else {
      req = fetch(root.getAttribute("data-key"), { method: "POST", credentials: "same-origin",
        headers: { "X-CSRF-Token": root.getAttribute("data-csrf") } });
    }
    pending = req.then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) { throw new Error(j.error || (T.error + " " + r.status)); }
        uploadURL = j.upload;
        return uploadURL;
      });
    });
    pending.catch(function () { pending = null; });
    return pending;
  }

  function b64(s) {
    var bytes = new TextEncoder().encode(s), bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin);
  }

  function addFiles(files) {
    for (var i = 0; i < files.length; i++) {
      var f = files[i];
      var li = el("li", "upload-item");
      var name = el("span", "name", f.name);
      var bar = el("progress"); bar.max = 100; bar.value = 0;
      var st = el("span", "status", T.waiting);
      li.appendChild(name); li.appendChild(bar); li.appendChild(st);
      list.appendChild(li);
      var it = { file: f, li: li, bar: bar, st: st, events: 0, done: false, failed: false };
      items.push(it);
      if (max && f.size > max) { it.failed = true; st.textContent = T.tooBig; li.className += " failed"; continue; }
      start(it);
    }
    update();
  }

  function update() {
    var busy = items.some(function (it) { return !it.done && !it.failed; });
    finish.disabled = busy || !items.some(function (it) { return it.done; }) || finish.getAttribute("data-sent") === "1";
  }

  function start(it) {
    active++;
    it.st.textContent = T.uploading;
    getUpload().then(function (url) {
      return xhr("POST", url + "/files", {
        "Tus-Resumable": "1.0.0", "Upload-Length": String(it.file.size),
        "Upload-Metadata": "filename " + b64(it.file.name) + ",filetype " + b64(it.file.type || "")
      }, null);
    }).then(function (x) {
      if (x.status !== 201) { throw errorOf(x); }
      it.url = x.getResponseHeader("Location");
      it.id = it.url.split("/").pop();
      it.li.setAttribute("data-file", it.id);
      return send(it, 0, 0);
    }).then(function () {
      it.done = true; it.bar.value = 100; it.st.textContent = T.uploaded;
    }).catch(function (e) {
      it.failed = true; it.li.className += " failed"; it.st.textContent = T.error + ": " + e.message;
    }).then(function () { active--; update(); });
  }

  function errorOf(x) {
    var msg = T.error + " " + x.status;
    try { msg = JSON.parse(x.responseText).error || msg; } catch (e) { /* not JSON */ }
    return new Error(msg);
  }

  // send PATCHes the file from offset in chunks; on a network error it asks the server
  // where the upload stands (HEAD) and goes on from there, a few times with a pause.
  function send(it, offset, tries) {
    if (offset >= it.file.size) { return Promise.resolve(); }
    var end = Math.min(offset + CHUNK, it.file.size);
    return xhr("PATCH", it.url, {
      "Tus-Resumable": "1.0.0", "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream"
    }, it.file.slice(offset, end), function (e) {
      if (e.lengthComputable) {
        it.events++;
        it.li.setAttribute("data-progress-events", String(it.events));
        it.bar.value = Math.floor(100 * (offset + e.loaded) / Math.max(it.file.size, 1));
      }
    }).then(function (x) {
      if (x.status !== 204) { throw errorOf(x); }
      return send(it, parseInt(x.getResponseHeader("Upload-Offset"), 10), 0);
    }, function () {
      if (tries >= 5) { throw new Error(T.retry); }
      it.st.textContent = T.retry;
      return wait(1000 * (tries + 1)).then(function () {
        return xhr("HEAD", it.url, { "Tus-Resumable": "1.0.0" }, null);
      }).then(function (x) {
        it.st.textContent = T.uploading;
        return send(it, parseInt(x.getResponseHeader("Upload-Offset"), 10), tries + 1);
      }, function () { return send(it, offset, tries + 1); });
    });
  }

  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function xhr(method, url, headers, body, progress) {
    return new Promise(function (resolve, reject) {
      var x = new XMLHttpRequest();
      x.open(method, url);
      x.withCredentials = false;
      Object.keys(headers).forEach(function (k) { x.setRequestHeader(k, headers[k]); });
      if (progress) { x.upload.onprogress = progress; }
      x.onload = function () { resolve(x); };
      x.onerror = function () { reject(new Error("network")); };
      x.ontimeout = x.onerror;
      x.send(body);
    });
  }

  function done() {
    finish.disabled = true; finish.setAttribute("data-sent", "1"); finish.textContent = T.sending;
    getUpload().then(function (url) {
      return fetch(url + "/done", { method: "POST", credentials: "omit" });
    }).then(function (r) {
      if (!r.ok) { return r.json().then(function (j) { throw new Error(j.error || r.status); }); }
      summary.hidden = false; summary.textContent = T.done; finish.hidden = true;
      poll();
    }).catch(function (e) {
      summary.hidden = false; summary.className = "error"; summary.textContent = T.error + ": " + e.message;
    });
  }

  // poll shows each file's result until every file is processed.
  function poll() {
    fetch(uploadURL, { credentials: "omit" }).then(function (r) { return r.json(); }).then(function (j) {
      var open = false;
      (j.files || []).forEach(function (f) {
        var it = items.find(function (i) { return i.id === f.id; });
        if (!it) { return; }
        var text = T[f.state] || f.state;
        if (f.reason) { text += ": " + f.reason; }
        if (f.output_name) { text += " → " + f.output_name; }
        it.st.textContent = text;
        it.li.setAttribute("data-state", f.state);
        if (f.verdict) { it.li.setAttribute("data-verdict", f.verdict); }
        if (f.state === "uploading" || f.state === "uploaded") { open = true; }
      });
      state.textContent = T[j.state] || j.state;
      root.setAttribute("data-transfer", j.id);
      root.setAttribute("data-state", j.state);
      if (open || j.state === "processing") { setTimeout(poll, 1000); } else { root.setAttribute("data-complete", "1"); }
    }).catch(function () { setTimeout(poll, 2000); });
  }
}());
