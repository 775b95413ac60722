"""Personal data: the access log (who viewed, printed or exported whose data) and what writes it."""
