"""Reading news text: dates and relative days, places, casualty counts, Arabic."""
