"""Orders seen on the shops, the stock they reserve, and the pushes that announce them."""
