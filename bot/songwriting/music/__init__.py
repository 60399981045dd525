"""Music: harmony, the melody model, the composer that fits a melody to lyrics, members' melody files, and
quality measures. Imports only words."""
