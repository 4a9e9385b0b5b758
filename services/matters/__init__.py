"""The building-matters board the terminal keeps (services.matters.board_store)."""
