"""Where documents come from: folders, news sites, feeds, office reports."""
