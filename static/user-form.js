// The new-account form: once a community is chosen, the volunteer list offers only that
// community's volunteers (the server refuses any other). Without this script every community's
// volunteers show, grouped by community.
(function () {
  "use strict";
  var community = document.getElementById("community_id");
  var volunteer = document.getElementById("volunteer_id");
  if (!community || !volunteer) return;
  function narrow() {
    var chosen = community.value;
    volunteer.querySelectorAll("optgroup").forEach(function (group) {
      var other = chosen !== "" && group.getAttribute("data-community") !== chosen;
      group.hidden = other;
      group.disabled = other;
      if (other && group.contains(volunteer.selectedOptions[0] || null)) volunteer.value = "";
    });
  }
  community.addEventListener("change", narrow);
  narrow();
})();
