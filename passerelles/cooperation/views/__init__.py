"""Web views of the co-construction spaces, one module per part of the space."""
