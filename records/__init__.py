"""Law-enforcement records: reports (with the supervisor review queue), arrests, citations, warrants
and suspects. Its own app because these outlive the call that produced them and are written by
officers about characters they do not own."""
