// Colour swatches next to status-code colours: set through the CSSOM, since the policy allows no inline styles.
for (const swatch of document.querySelectorAll(".swatch[data-color]")) {
  if (/^#[0-9a-fA-F]{6}$/.test(swatch.dataset.color)) swatch.style.backgroundColor = swatch.dataset.color;
}
