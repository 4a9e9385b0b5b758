"""The building-matters board (楼事楼办) and the building convention (富力共识) on the kiosk."""
