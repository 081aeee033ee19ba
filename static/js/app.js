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
