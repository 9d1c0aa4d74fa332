// vap: Material's inline partials/javascripts/outdated.html as a file (Content-Security-Policy: no inline
// script); the base URL comes from the script element's data-base.
var el=document.querySelector("[data-md-component=outdated]"),base=new URL(document.currentScript.dataset.base,location),outdated=__md_get("__outdated",sessionStorage,base);!0===outdated&&el&&(el.hidden=!1)
