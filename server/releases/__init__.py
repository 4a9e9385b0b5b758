"""Kiosk software releases: uploaded archives, signed when served, and their staged rollouts to the fleet."""
