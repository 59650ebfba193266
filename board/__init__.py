"""The dispatcher's console (/dispatch): call queue, incident, closed calls, units, BOLOs, header
controls and alerts, kept live over /ws. Reads come from `board.selectors`; every action calls the
owning app's service (calls, dispatch, bolos, announcements)."""
