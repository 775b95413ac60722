// Small progressive enhancements; every page works without them.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// A form submits once: a double click on "save" sends one request.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.method.toLowerCase() !== "post") return;
  if (form.dataset.submitted) {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "1";
  const buttons = form.querySelectorAll("button[type=submit]");
  buttons.forEach((b) => b.setAttribute("aria-disabled", "true"));
  // A download leaves the page in place: let the form be sent again once the first one is on its way.
  if (form.hasAttribute("data-download")) {
    setTimeout(() => {
      delete form.dataset.submitted;
      buttons.forEach((b) => b.removeAttribute("aria-disabled"));
    }, 3000);
  }
});

// Deed rows: add from the formset's <template>, remove by ticking DELETE and hiding the row.
function renumberRows(container) {
  let n = 0;
  container.querySelectorAll("[data-row]:not(.removed) [data-row-number]").forEach((span) => {
    n += 1;
    span.textContent = String(n);
  });
}

document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add-row]");
  if (!add) return;
  const prefix = add.dataset.addRow;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const template = document.getElementById(`${prefix}-empty`);
  const container = document.querySelector(`[data-formset="${prefix}"]`);
  const index = Number(total.value);
  const wrapper = document.createElement("div");
  wrapper.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
  const row = wrapper.firstElementChild;
  container.appendChild(row);
  total.value = String(index + 1);
  renumberRows(container);
  const first = row.querySelector("textarea, input:not([type=hidden]), select");
  if (first) first.focus();
});

// Ticking "Bỏ việc làm này" greys the row out (the server deletes it on save); unticking restores it.
document.addEventListener("change", (event) => {
  const box = event.target.closest("input[type=checkbox][name$='-DELETE']");
  if (!box) return;
  const row = box.closest("[data-row]");
  row.classList.toggle("removed", box.checked);
  renumberRows(row.parentElement);
});

// Year switchers navigate to the same page for the chosen year.
document.addEventListener("change", (event) => {
  const select = event.target.closest("[data-year-url]");
  if (select) window.location.assign(select.dataset.yearUrl.replace("1111", select.value));
});

// "In" links print the page (a link, not an inline handler, because of the CSP).
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-print]");
  if (link) {
    event.preventDefault();
    window.print();
  }
});

// "Chép đoạn văn" copies the report's paragraph for pasting into the Word report; the button is
// shown only where the browser allows it (the clipboard needs HTTPS or localhost).
document.querySelectorAll("[data-copy]").forEach((button) => {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const text = document.getElementById(button.dataset.copy).textContent.trim();
    navigator.clipboard.writeText(text).then(() => { button.textContent = "Đã chép"; });
  });
});

// The report form: the from-to years matter only for "Từ năm … đến năm …".
document.querySelectorAll("form[data-span-form]").forEach((form) => {
  const sync = () => {
    const custom = form.querySelector("input[name=span_choice][value=custom]");
    form.querySelectorAll("[data-custom-years] select").forEach((select) => {
      select.disabled = custom && !custom.checked;
    });
  };
  form.addEventListener("change", sync);
  sync();
});
