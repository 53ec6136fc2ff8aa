"""The officials' dashboard: sales rollups by area, channel, month and more; charts; exports."""
