"""Plans, pledges and awards (the yearly emulation cycle): arriving with the pledge-cycle issue."""
