"""Characters and what they own: vehicles, driving licenses (DMV and its points), firearms and
weapons-license applications. The person an officer looks up, and the officer's own identity."""
