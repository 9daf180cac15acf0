// SPDX-License-Identifier: AGPL-3.0-or-later
// The client form's « Reprendre ces informations dans la fiche »: copies the organisation found in the public
// list of OFs (the <data> elements of people/_registry_lookup.html) into the form's fields.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-registry-fill]");
  if (!button) return;
  for (const item of button.parentElement.querySelectorAll("data[data-field]")) {
    const field = document.getElementById(item.dataset.field);
    if (!field) continue;
    field.value = item.value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }
  const name = document.getElementById("id_name");
  if (name) name.focus();
});
