// Unit pickers (party/unit_picker.py): the search box becomes a combobox that asks the page's
// JSON endpoint (data-search-url, the field's own scope) for units matching what is typed.
// WAI-ARIA "list autocomplete with automatic selection": the first match is active, arrow keys
// move, Enter picks, Escape closes (twice: puts the chosen unit back). Without this script the
// box still works: the server resolves the typed text when the form is sent.
"use strict";

(() => {
  const MIN_CHARACTERS = 2;
  const DELAY_MS = 200;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function enhance(picker) {
    const input = picker.querySelector(".unit-picker-input");
    if (!input || !picker.dataset.searchUrl || picker.dataset.enhanced) return;
    picker.dataset.enhanced = "1";
    const multiple = picker.classList.contains("multiple");
    const select = multiple ? null : picker.querySelector("select");
    const chosenList = picker.querySelector("[data-unit-picker-chosen]");
    const searchName = input.name;
    const form = input.form;

    // The chosen id is what the form sends; the typed text only when it was not picked.
    input.removeAttribute("name");
    picker.querySelectorAll("[data-unit-picker-hint], .unit-picker-find").forEach((n) => n.remove());
    if (select) {
      select.hidden = true;
      document.querySelectorAll(`label[for="${select.id}"]`).forEach((label) => { label.htmlFor = input.id; });
      for (const name of ["aria-describedby", "aria-invalid"]) {
        if (select.hasAttribute(name)) input.setAttribute(name, select.getAttribute(name));
      }
      input.required = select.required;
      select.required = false;
      input.placeholder = "Gõ mã hoặc tên đơn vị";
    }

    const listbox = element("ul", "unit-picker-list");
    listbox.id = `${input.id}-listbox`;
    listbox.setAttribute("role", "listbox");
    const note = element("p", "unit-picker-note");
    const popup = element("div", "unit-picker-popup");
    popup.hidden = true;
    popup.append(listbox, note);
    const status = element("span", "visually-hidden");
    status.setAttribute("role", "status");
    input.after(popup, status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    let results = [];
    let active = -1;
    let timer = null;
    let request = null;

    const chosenLabel = () => {
      if (!select || !select.value) return "";
      return select.options[select.selectedIndex].textContent.trim();
    };
    input.value = chosenLabel();

    function close() {
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      const options = listbox.querySelectorAll("[role=option]");
      options.forEach((option, i) => {
        option.classList.toggle("active", i === index);
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function show(found, more, text) {
      results = found;
      listbox.replaceChildren(
        ...found.map((unit, i) => {
          const option = element("li", "", unit.dissolved ? `${unit.name} (${unit.code}) (đã giải thể)` : `${unit.name} (${unit.code})`);
          option.id = `${input.id}-option-${i}`;
          option.setAttribute("role", "option");
          option.dataset.index = String(i);
          if (unit.context) option.append(element("span", "context", unit.context));
          return option;
        }),
      );
      note.textContent = !found.length
        ? `Không có đơn vị nào khớp “${text}”.`
        : more ? "Còn đơn vị khác khớp: gõ thêm để thu hẹp." : "";
      note.hidden = !note.textContent;
      status.textContent = found.length ? `${found.length}${more ? "+" : ""} đơn vị khớp.` : note.textContent;
      popup.hidden = false;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      setActive(found.length ? 0 : -1);
    }

    function search() {
      const text = input.value.trim();
      if (request) request.abort();
      if (text.replace(/\s/g, "").length < MIN_CHARACTERS) {
        results = [];
        close();
        return;
      }
      request = new AbortController();
      const url = `${picker.dataset.searchUrl}&q=${encodeURIComponent(text)}`;
      fetch(url, { headers: { Accept: "application/json" }, signal: request.signal })
        .then((response) => {
          const json = (response.headers.get("Content-Type") || "").includes("json");
          if (!response.ok || !json) throw new Error(String(response.status));
          return response.json();
        })
        .then((data) => {
          if (input.value.trim() === text && document.activeElement === input) show(data.results, data.more, text);
        })
        .catch((error) => {
          if (error.name === "AbortError") return;
          results = [];
          listbox.replaceChildren();
          note.textContent = "Không tải được danh sách đơn vị (phiên đăng nhập có thể đã hết hạn: hãy tải lại trang).";
          note.hidden = false;
          status.textContent = note.textContent;
          popup.hidden = false;
        });
    }

    function pick(index) {
      const unit = results[index];
      if (!unit) return;
      if (select) {
        [...select.options].forEach((option) => { if (option.value) option.remove(); });
        select.append(new Option(unit.label, String(unit.id), true, true));
        select.value = String(unit.id);
        select.dispatchEvent(new Event("change", { bubbles: true }));
        input.value = unit.label;
      } else {
        let box = chosenList.querySelector(`input[value="${unit.id}"]`);
        if (!box) {
          box = element("input");
          box.type = "checkbox";
          box.name = picker.dataset.fieldName;
          box.value = String(unit.id);
          const label = element("label", "check");
          label.append(box, ` ${unit.label}`);
          const item = element("li");
          item.append(label);
          chosenList.append(item);
          chosenList.querySelectorAll("[data-unit-picker-none]").forEach((n) => n.remove());
        }
        box.checked = true;
        input.value = "";
      }
      status.textContent = `Đã chọn ${unit.label}.`;
      close();
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", (event) => {
      const open = !popup.hidden && results.length > 0;
      switch (event.key) {
        case "ArrowDown":
        case "ArrowUp":
          event.preventDefault();
          if (!results.length) return;
          if (popup.hidden) {
            popup.hidden = false;
            input.setAttribute("aria-expanded", "true");
            setActive(0);
            return;
          }
          setActive((active + (event.key === "ArrowDown" ? 1 : -1) + results.length) % results.length);
          break;
        case "Enter":
          if (open && active >= 0) {
            event.preventDefault();  // pick, do not send the form
            pick(active);
          }
          break;
        case "Escape":
          if (!popup.hidden) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = chosenLabel();
          }
          break;
        case "Tab":
          close();
          break;
        default:
      }
    });

    input.addEventListener("blur", () => setTimeout(close, 150));
    listbox.addEventListener("mousedown", (event) => event.preventDefault());  // keep the focus
    listbox.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) pick(Number(option.dataset.index));
    });

    // Text typed but not picked is sent for the server to resolve, as without this script.
    if (form) {
      form.addEventListener("submit", () => {
        const typed = input.value.trim();
        if (select && !typed) select.value = "";  // an emptied box is no unit
        if (typed && typed !== chosenLabel()) input.name = searchName;
        else input.removeAttribute("name");
      });
    }
  }

  document.querySelectorAll("[data-unit-picker]").forEach(enhance);
})();
