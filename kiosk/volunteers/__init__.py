"""The volunteer screen: the centre's teams, activities to sign up for, the year's totals, a member's own hours."""
