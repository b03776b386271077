"""Shared by the summary tests: one French article with boilerplate, an off-topic sentence and a title to find."""

from __future__ import annotations

ARTICLE = (
    "Photo : AFP. "
    "Le gouvernement a présenté mercredi un plan pour les transports publics en région. "
    "Le plan prévoit trois milliards d'euros pour les trains régionaux d'ici 2030. "
    "Les syndicats de cheminots saluent un plan de transports attendu depuis longtemps. "
    "La météo était clémente à Paris ce jour-là. "
    "Lire aussi : notre dossier sur les transports. "
    "Le ministre des Transports a promis des trains régionaux plus fréquents dès l'an prochain."
)
