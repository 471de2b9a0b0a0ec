MODE_RAW: int
