// Progress for roster uploads and imports: the page never looks frozen. Without this script the
// forms still work (plain form posts); with it, the upload shows how much has been sent, then
// that the rows are being checked or written.
(function () {
  'use strict';
  document.querySelectorAll('form[data-progress]').forEach(function (form) {
    var box = document.getElementById(form.getAttribute('data-progress'));
    if (!box) { return; }
    var bar = box.querySelector('progress');
    var label = box.querySelector('.progress-label');
    form.addEventListener('submit', function (event) {
      box.hidden = false;
      if (form.enctype !== 'multipart/form-data' || !window.XMLHttpRequest || !window.FormData) {
        // A plain post (the import itself): say it is working while the browser waits.
        bar.removeAttribute('value');
        label.textContent = box.getAttribute('data-working');
        return;
      }
      event.preventDefault();
      form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) {
          bar.max = e.total;
          bar.value = e.loaded;
          label.textContent = box.getAttribute('data-sending') + ' ' + Math.round(e.loaded * 100 / e.total) + '%';
        }
      });
      xhr.upload.addEventListener('load', function () {
        bar.removeAttribute('value');
        label.textContent = box.getAttribute('data-working');
      });
      xhr.addEventListener('load', function () {
        // Follow the server's answer: the preview, the list, or the page with its message.
        if (xhr.status < 400 && xhr.responseURL && xhr.responseURL.indexOf('?csrf=') === -1) {
          window.location.assign(xhr.responseURL);
        } else {
          document.open();
          document.write(xhr.responseText);
          document.close();
        }
      });
      xhr.addEventListener('error', function () {
        label.textContent = box.getAttribute('data-failed');
        form.querySelectorAll('button').forEach(function (b) { b.disabled = false; });
      });
      xhr.send(new FormData(form));
    });
  });
})();
