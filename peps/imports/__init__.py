"""Importers for the files a Virtual School already holds.

`gias` reads the Get Information About Schools establishment extract into `School`;
`ssda903` reads the Children Looked After return's tables into `Child` and
`CareEpisode`. Both share `reading` for decoding and splitting CSV files and report
rejected rows in the same words. docs/importing.md explains them for maintainers.
"""
