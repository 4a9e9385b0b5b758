"""Staff maintenance: the controller (PIN, terminal report, quit) and the maintenance screen."""
