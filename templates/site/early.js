/* Run in the page's head, before the tables are read: with scripting on, long tables show
   their first rows only (site.css, html.js), so the browser need not lay out every row. */
document.documentElement.className += " js";
