/* digest — the issue page's audio edition (section.audio-edition, article.html).
 *
 * Without this script each chapter is a link to the audio file at its time (#t=…). With
 * it, a chapter link seeks the page's own player and plays from there, and the chapter
 * being heard is marked (aria-current). A file of its own, no inline handlers: a strict
 * Content-Security-Policy (script-src 'self') allows it.
 */
"use strict";

for (const box of document.querySelectorAll("section.audio-edition")) {
  const player = box.querySelector("audio");
  const chapters = Array.from(box.querySelectorAll("ol.audio-chapters > li[data-start]"));
  if (!player) {
    continue;
  }
  for (const chapter of chapters) {
    const link = chapter.querySelector("a");
    link.addEventListener("click", (event) => {
      event.preventDefault();
      player.currentTime = Number(chapter.dataset.start);
      // A browser that may not play (no sound device, a policy) still seeks.
      player.play().catch(() => {});
    });
  }
  player.addEventListener("timeupdate", () => {
    const heard = chapters.filter((c) => Number(c.dataset.start) <= player.currentTime).pop();
    for (const chapter of chapters) {
      const link = chapter.querySelector("a");
      if (chapter === heard) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    }
  });
}
