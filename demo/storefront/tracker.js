// Loads shoppulse.js from the collector named in config.js, the way a shop embeds it. Until it has loaded, calls
// wait in shoppulse.q and are replayed by the tracker.
window.shoppulse = window.shoppulse || function () { (window.shoppulse.q = window.shoppulse.q || []).push(arguments); };
(function () {
  var script = document.createElement('script');
  script.async = true;
  script.src = window.SHOPPULSE.endpoint + '/shoppulse.js';
  document.head.appendChild(script);
})();
