// Small behaviours the server cannot do: add a blank member row to the family formset.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-member]");
  if (!button) return;
  const total = document.getElementById("id_members-TOTAL_FORMS");
  const template = document.getElementById("member-template");
  const index = Number(total.value);
  const holder = document.createElement("div");
  holder.innerHTML = template.innerHTML.replaceAll("__prefix__", String(index));
  const row = holder.firstElementChild;
  document.getElementById("member-forms").appendChild(row);
  total.value = String(index + 1);
  if (window.htmx) window.htmx.process(row);
  row.querySelector("input[name$='-name']")?.focus();
});

// A new member row typed by mistake: put its fields back to their defaults (the server ignores
// an unchanged row) and hide it.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-remove-member]");
  if (!button) return;
  const row = button.closest("[data-member]");
  row.querySelectorAll("input, select, textarea").forEach((field) => {
    if (field.type === "hidden") return;
    if (field.type === "checkbox") field.checked = field.defaultChecked;
    else if (field.tagName === "SELECT") {
      [...field.options].forEach((option) => { option.selected = option.defaultSelected; });
    } else field.value = field.defaultValue;
  });
  row.hidden = true;
});

// A form that came back with errors opens at its summary, which links to each field.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.scrollIntoView({ block: "start" });
  summary.focus({ preventScroll: true });
});
