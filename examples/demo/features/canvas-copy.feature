@domain:canvas-copy-symphony
Feature: Copy components to the clipboard

  Scenario: The selection is copied
    Given a component is selected
    When the user copies it
    Then canvas:copy:serialize is emitted
    And canvas:copy:clipboard is emitted
