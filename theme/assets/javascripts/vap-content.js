// vap: Material's inline partials/javascripts/content.html as a file (Content-Security-Policy: no inline script).
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
